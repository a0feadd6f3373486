using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

#if LORA_SDK_TASKS
namespace Lora.Sdk.Tasks.Hub;
#else
namespace Lora.Runtime.Hub;
#endif

/// <summary>A repository's commit and file list at a revision (the hub's <c>/api/models/{id}/revision/{revision}</c>).</summary>
/// <param name="Commit">The commit hash the revision points at now.</param>
/// <param name="Files">Every file of the repository at that commit ("siblings"), '/'-separated paths.</param>
#if LORA_SDK_TASKS
internal
#else
public
#endif
sealed record HubRepoInfo(string Commit, IReadOnlyCollection<string> Files);

/// <summary>
/// What a HEAD request on a file's <c>resolve</c> address says (huggingface_hub's <c>get_hf_file_metadata</c>).
/// </summary>
/// <param name="Commit">X-Repo-Commit.</param>
/// <param name="Etag">X-Linked-Etag (an LFS file's sha256), else ETag (a regular file's git blob sha1), unquoted: the blob's name.</param>
/// <param name="Size">X-Linked-Size, else Content-Length.</param>
/// <param name="Location">Where the bytes are: the absolute redirect's target (a CDN), else the resolve address itself.</param>
#if LORA_SDK_TASKS
internal
#else
public
#endif
sealed record HubFileMetadata(string Commit, string Etag, long Size, Uri Location);

/// <summary>
/// The hub's HTTP protocol as huggingface_hub speaks it: <c>GET {endpoint}/api/models/{id}/revision/{revision}</c> for
/// the file list, <c>HEAD {endpoint}/{id}/resolve/{revision}/{file}</c> for a file's commit, etag and size (following
/// relative redirects, a renamed repository or the hub's resolve cache, but not the absolute one to the CDN, whose
/// address is where the bytes are), and a GET of that address with <c>Range: bytes=N-</c> to resume. The token goes to
/// the hub only, never to another host a redirect leads to.
/// </summary>
#if LORA_SDK_TASKS
internal
#else
public
#endif
sealed class HubClient : IDisposable
{
    /// <summary>Times a transfer may break off in a row, without new bytes in between, before the download gives up.</summary>
    public const int MaxRetries = 5;

    const int MaxRedirects = 10;
    readonly HttpClient _http;
    readonly Uri _endpoint;
    readonly string? _token;
    readonly string _tokenSource;

    /// <param name="endpoint">The hub's base address (<see cref="HubEnvironment.Endpoint"/>).</param>
    /// <param name="token">The access token, or null.</param>
    /// <param name="tokenSource">Where the token came from, for messages (<see cref="HubEnvironment.TokenSource"/>).</param>
    /// <param name="retryDelay">The pause before resuming a broken transfer (tests make it short).</param>
    public HubClient(string endpoint, string? token, string tokenSource = "", TimeSpan? retryDelay = null)
    {
        if (!Uri.TryCreate(endpoint.TrimEnd('/') + "/", UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new HubException($"HF_ENDPOINT '{endpoint}' is not an http(s) address; it names the hub, e.g. {HubEnvironment.DefaultEndpoint}.");
        _endpoint = uri;
        _token = token;
        _tokenSource = tokenSource;
        RetryDelay = retryDelay ?? TimeSpan.FromSeconds(1);
        // Redirects are followed here, so that the token is sent to the hub's host alone and HEAD stops at the CDN.
        _http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(30),
        })
        { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("lora-sdk", typeof(HubClient).Assembly.GetName().Version?.ToString() ?? "0"));
    }

    /// <param name="environment">The endpoint and token to use.</param>
    public HubClient(HubEnvironment environment) : this(environment.Endpoint, environment.Token, environment.TokenSource) { }

    /// <summary>The hub's base address.</summary>
    public string Endpoint => _endpoint.ToString().TrimEnd('/');

    /// <summary>The pause before a broken transfer is resumed.</summary>
    public TimeSpan RetryDelay { get; }

    /// <summary>The repository's commit at <paramref name="revision"/> and its files.</summary>
    public async Task<HubRepoInfo> RepoInfoAsync(HubModelId id, string revision, CancellationToken cancellationToken)
    {
        var address = new Uri(_endpoint, $"api/models/{id.Id}/revision/{Uri.EscapeDataString(revision)}");
        using var response = await SendAsync(HttpMethod.Get, address, followAbsolute: true, range: null, cancellationToken).ConfigureAwait(false);
        Check(response, id, revision, file: null);
        string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var json = JsonDocument.Parse(text);
            var root = json.RootElement;
            string commit = root.TryGetProperty("sha", out var sha) && sha.ValueKind == JsonValueKind.String ? sha.GetString()! : "";
            if (!HubModelId.IsCommitHash(commit))
                throw new HubException($"{id}@{revision}: {address} gave no commit hash (\"sha\"); is {Endpoint} a Hugging Face hub?");
            var files = new HashSet<string>(StringComparer.Ordinal);
            if (root.TryGetProperty("siblings", out var siblings) && siblings.ValueKind == JsonValueKind.Array)
                foreach (var sibling in siblings.EnumerateArray())
                    if (sibling.TryGetProperty("rfilename", out var name) && name.GetString() is { Length: > 0 } file)
                        files.Add(file);
            return new HubRepoInfo(commit, files);
        }
        catch (JsonException e)
        {
            throw new HubException($"{id}@{revision}: {address} did not answer with JSON ({e.Message}); is {Endpoint} a Hugging Face hub?", inner: e);
        }
    }

    /// <summary>The file's commit, etag, size and download address, from a HEAD request on its resolve address.</summary>
    public async Task<HubFileMetadata> MetadataAsync(HubModelId id, string revision, string file, CancellationToken cancellationToken)
    {
        var address = ResolveAddress(id, revision, file);
        HttpResponseMessage response = await SendAsync(HttpMethod.Head, address, followAbsolute: false, range: null, cancellationToken).ConfigureAwait(false);
        using (response)
        {
            Check(response, id, revision, file);
            bool redirect = (int)response.StatusCode is >= 300 and < 400;
            string? commit = Header(response, "X-Repo-Commit");
            string? etag = NormalizeEtag(Header(response, "X-Linked-Etag") ?? Header(response, "ETag"));
            string? sizeText = Header(response, "X-Linked-Size") ?? (redirect ? null : response.Content.Headers.ContentLength?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var location = redirect && response.Headers.Location is { } target ? new Uri(response.RequestMessage!.RequestUri!, target) : response.RequestMessage!.RequestUri!;
            string? missing = commit is null ? "X-Repo-Commit" : etag is null ? "ETag" : !long.TryParse(sizeText, out _) ? "its size (X-Linked-Size or Content-Length)" : null;
            if (missing is not null)
                throw new HubException($"{id}@{revision}: the answer for {file} lacks {missing}; is {Endpoint} a Hugging Face hub? (a proxy may strip headers)");
            if (!IsSafeBlobName(etag!))
                throw new HubException($"{id}@{revision}: the etag of {file}, '{etag}', cannot name a file in the cache.");
            return new HubFileMetadata(commit!, etag!, long.Parse(sizeText!, System.Globalization.CultureInfo.InvariantCulture), location);
        }
    }

    /// <summary>
    /// Downloads <paramref name="location"/> into <paramref name="target"/> until it holds <paramref name="size"/> bytes,
    /// resuming from what the file already holds (a transfer an earlier run left) with a Range request, and again after
    /// each break of the connection, up to <see cref="MaxRetries"/> breaks in a row without progress.
    /// </summary>
    public async Task DownloadAsync(HubModelId id, string file, Uri location, string target, long size, IPullProgress? progress, CancellationToken cancellationToken)
    {
        int failures = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await using var stream = new FileStream(target, FileMode.OpenOrCreate, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            long have = stream.Length;
            if (have > size)
            {
                stream.SetLength(0);
                have = 0;
            }
            if (have == size) return;
            if (have > 0) progress?.Message($"{file}: resuming at {Bytes(have)} of {Bytes(size)}");
            using var response = await SendAsync(HttpMethod.Get, location, followAbsolute: true, range: have > 0 ? have : null, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
            {
                stream.SetLength(0);
                if (++failures >= MaxRetries) throw new HubException($"{id}: {file}: the server refused to resume the download (416) {failures} times.", 416);
                continue;
            }
            Check(response, id, revision: null, file);
            // A server that ignores the Range answers 200 with the whole file: start over rather than append it.
            if (response.StatusCode == HttpStatusCode.PartialContent && response.Content.Headers.ContentRange?.From == have)
                stream.Seek(have, SeekOrigin.Begin);
            else
            {
                stream.SetLength(0);
                have = 0;
            }
            long before = have;
            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    have += read;
                    progress?.Transferred(file, have, size);
                }
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (have == size) return;
                if (have > size)
                    throw new HubException($"{id}: {file}: the server sent {Bytes(have)}, more than the {Bytes(size)} the hub announced; the download is discarded.");
                throw new IOException($"the connection closed after {Bytes(have)} of {Bytes(size)}");
            }
            catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                await stream.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                failures = have > before ? 1 : failures + 1;
                if (failures >= MaxRetries)
                    throw new HubException($"{id}: {file}: the transfer broke off {failures} times at {Bytes(have)} of {Bytes(size)} ({e.Message}); " +
                                           "run the pull again to resume from there.", inner: e);
                progress?.Message($"{file}: the transfer broke off at {Bytes(have)} of {Bytes(size)} ({e.Message}); resuming");
            }
            await Task.Delay(RetryDelay, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary><c>{endpoint}/{org}/{name}/resolve/{revision}/{file}</c>, the revision quoted whole (a slash in it too) as Python quotes it.</summary>
    public Uri ResolveAddress(HubModelId id, string revision, string file) =>
        new(_endpoint, $"{id.Id}/resolve/{Uri.EscapeDataString(revision)}/{string.Join("/", file.Split('/').Select(Uri.EscapeDataString))}");

    /// <summary>Python's <c>_normalize_etag</c>: without W/ and quotes.</summary>
    public static string? NormalizeEtag(string? etag)
    {
        if (etag is null) return null;
        if (etag.StartsWith("W/", StringComparison.Ordinal)) etag = etag[2..];
        return etag.Trim('"') is { Length: > 0 } plain ? plain : null;
    }

    /// <summary>Sizes for messages: 512 B, 12.3 KiB, 1.2 GiB.</summary>
    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1 << 20 => $"{bytes / 1024.0:0.0} KiB",
        < 1 << 30 => $"{bytes / 1048576.0:0.0} MiB",
        _ => $"{bytes / 1073741824.0:0.00} GiB",
    };

    /// <summary>
    /// Sends a request and follows redirects by hand: relative ones always (the same host), absolute ones only when
    /// <paramref name="followAbsolute"/>. The token goes with every request to the hub's own host and port, and to no other.
    /// </summary>
    async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri address, bool followAbsolute, long? range, CancellationToken cancellationToken)
    {
        for (int hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(method, address);
            request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("identity"));
            if (range is { } from) request.Headers.Range = new RangeHeaderValue(from, null);
            if (_token is not null && SameOrigin(address, _endpoint)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                throw new HubException($"{address.GetLeftPart(UriPartial.Authority)} cannot be reached ({e.Message}). Check the network, or HF_ENDPOINT; " +
                                       $"set {HubEnvironment.OfflineVariable}=1 to use what the cache holds without asking the hub.", inner: e);
            }
            int status = (int)response.StatusCode;
            if (status is >= 300 and < 400 && response.Headers.Location is { } location && hop < MaxRedirects)
            {
                bool relative = !location.IsAbsoluteUri;
                if (relative || followAbsolute)
                {
                    address = new Uri(address, location);
                    response.Dispose();
                    continue;
                }
            }
            return response;
        }
    }

    /// <summary>Turns an error status into a message that names the model, the revision, the file and what to do.</summary>
    void Check(HttpResponseMessage response, HubModelId id, string? revision, string? file)
    {
        int status = (int)response.StatusCode;
        if (status < 400) return;
        string code = Header(response, "X-Error-Code") ?? "";
        string hubMessage = Header(response, "X-Error-Message") is { Length: > 0 } m ? $" The hub says: \"{m}\"" : "";
        string what = $"{id.Id}{(revision is null ? "" : " (revision " + revision + ")")}";
        string where = file is null ? "" : $" file {file}";
        string message = status switch
        {
            401 or 403 when code == "GatedRepo" || _token is null =>
                $"{what}: the hub answered {status}: the model is gated or private{(code == "RepoNotFound" ? " (or does not exist)" : "")}.{hubMessage} " +
                $"Accept its terms on {Endpoint}/{id.Id} while logged in, create an access token ({HubEnvironment.DefaultEndpoint}/settings/tokens) " +
                $"and set {HubEnvironment.TokenVariable} to it (or save it with `hf auth login`), then run again." +
                (_token is null ? "" : $" The token from {_tokenSource} was sent and is not allowed this model."),
            401 or 403 =>
                $"{what}: the hub answered {status}: the token from {_tokenSource} was refused.{hubMessage} Check that {HubEnvironment.TokenVariable} holds a valid access token " +
                $"({HubEnvironment.DefaultEndpoint}/settings/tokens) with read access to {id.Id}.",
            404 when code == "RevisionNotFound" =>
                $"{what}: revision '{revision}' of {id.Id} was not found on {Endpoint}.{hubMessage} Check the branch, tag or commit.",
            404 when code == "EntryNotFound" || (file is not null && code != "RepoNotFound") =>
                $"{what}:{where} was not found on {Endpoint}.{hubMessage}",
            404 =>
                $"{what}: model {id.Id} (revision {revision ?? HubModelId.DefaultRevision}) was not found on {Endpoint}.{hubMessage} Check the id (organization/name, as on the hub's model page).",
            _ =>
                $"{what}:{where} the hub answered {status} {response.ReasonPhrase}.{hubMessage} Try again later, or set {HubEnvironment.OfflineVariable}=1 to use what the cache holds.",
        };
        throw new HubException(message, status);
    }

    static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? values.FirstOrDefault() : null;

    static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase) && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;

    static bool IsSafeBlobName(string etag) =>
        etag.Length <= 128 && etag is not ("." or "..") && etag.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    public void Dispose() => _http.Dispose();
}
