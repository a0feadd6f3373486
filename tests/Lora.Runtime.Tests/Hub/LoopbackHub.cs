using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Lora.HubTesting;

/// <summary>
/// A Hugging Face hub on the loopback interface, serving models the way huggingface.co does, over real HTTP/1.1 on an
/// ephemeral port (a TcpListener; every answer closes its connection):
/// <list type="bullet">
/// <item><c>GET /api/models/{org}/{name}/revision/{revision}</c>: <c>{"id", "sha", "siblings": [{"rfilename"}]}</c>;</item>
/// <item><c>HEAD|GET /{org}/{name}/resolve/{revision}/{file}</c>: a regular file answers 307 with a relative Location into
/// <c>/api/resolve-cache/models/...</c>, which answers 200 with its git blob sha1 as ETag; an LFS file (*.safetensors)
/// answers 302 to an absolute CDN address (on <c>localhost</c>, another host than the endpoint's 127.0.0.1) with
/// X-Linked-Etag (sha256) and X-Linked-Size; every answer carries X-Repo-Commit;</item>
/// <item>the CDN honours <c>Range: bytes=N-</c> (206); a file in <see cref="CutOnce"/> has its first transfer cut halfway;</item>
/// <item>a gated repository answers 401 (X-Error-Code GatedRepo) unless the request carries <see cref="Token"/>; a
/// missing repository, revision or file answers 404 with RepoNotFound, RevisionNotFound or EntryNotFound.</item>
/// </list>
/// Every request is recorded (<see cref="Requests"/>) for the tests to check what the client sent.
/// </summary>
public sealed class LoopbackHub : IDisposable
{
    /// <summary>The token a gated repository accepts.</summary>
    public const string Token = "hf_loopback_test_token";

    readonly TcpListener _listener;
    readonly CancellationTokenSource _stop = new();
    readonly Dictionary<string, Repo> _repos = new(StringComparer.Ordinal);

    public LoopbackHub()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptLoop();
    }

    public int Port { get; }

    /// <summary>The hub's address, for HF_ENDPOINT.</summary>
    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>Every request, in arrival order.</summary>
    public ConcurrentQueue<Request> Requests { get; } = new();

    /// <summary>Files (by name) whose next CDN transfer sends half of what it announces and then closes the connection.</summary>
    public ConcurrentDictionary<string, bool> CutOnce { get; } = new();

    /// <summary>Files (by name) whose bytes the CDN sends with the last byte flipped: the etag no longer matches.</summary>
    public ConcurrentDictionary<string, bool> Corrupted { get; } = new();

    /// <summary>One recorded request.</summary>
    public sealed record Request(string Method, string Path, IReadOnlyDictionary<string, string> Headers)
    {
        public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
    }

    /// <summary>A repository: its commits' files and its branches or tags.</summary>
    public sealed class Repo(string id, bool gated)
    {
        public string Id { get; } = id;
        public bool Gated { get; } = gated;
        public Dictionary<string, Dictionary<string, byte[]>> Commits { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, string> Refs { get; } = new(StringComparer.Ordinal);

        /// <summary>Adds a commit holding <paramref name="files"/> and points <paramref name="revision"/> at it; returns the commit hash.</summary>
        public string Commit(IReadOnlyDictionary<string, byte[]> files, string revision = "main")
        {
            string commit = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes($"{Id}:{Commits.Count}:{revision}")));
            Commits[commit] = new Dictionary<string, byte[]>(files, StringComparer.Ordinal);
            Refs[revision] = commit;
            return commit;
        }
    }

    /// <summary>Adds a repository (<paramref name="gated"/>: it answers 401 without <see cref="Token"/>).</summary>
    public Repo Add(string id, bool gated = false)
    {
        var repo = new Repo(id, gated);
        lock (_repos) _repos[id] = repo;
        return repo;
    }

    /// <summary>The files of a model folder on disk, by name.</summary>
    public static Dictionary<string, byte[]> FilesOf(string folder) =>
        Directory.GetFiles(folder).ToDictionary(path => Path.GetFileName(path), File.ReadAllBytes);

    /// <summary>LFS files, as the hub stores safetensors: named by sha256 in the cache.</summary>
    public static bool IsLfs(string file) => file.EndsWith(".safetensors", StringComparison.Ordinal) || file.EndsWith(".bin", StringComparison.Ordinal);

    /// <summary>The etag the hub gives a file: its sha256 (LFS), else its git blob sha1.</summary>
    public static string Etag(string file, byte[] bytes) => IsLfs(file) ? Sha256(bytes) : GitBlobSha1(bytes);

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static string GitBlobSha1(byte[] bytes) =>
        Convert.ToHexStringLower(SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {bytes.Length}\0"), .. bytes]));

    /// <summary>The requests whose path starts with <paramref name="prefix"/>.</summary>
    public IReadOnlyList<Request> RequestsTo(string prefix) => Requests.Where(r => r.Path.StartsWith(prefix, StringComparison.Ordinal)).ToList();

    async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try { await Serve(client.GetStream()); }
                    catch (IOException) { }
                    catch (SocketException) { }
                }
            });
        }
    }

    async Task Serve(NetworkStream stream)
    {
        var head = await ReadHead(stream);
        if (head is null) return;
        var lines = head.Split("\r\n");
        var requestLine = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1).Where(l => l.Contains(':')))
            headers[line[..line.IndexOf(':')].Trim()] = line[(line.IndexOf(':') + 1)..].Trim();
        var request = new Request(requestLine[0], requestLine[1], headers);
        Requests.Enqueue(request);
        await Answer(stream, request);
    }

    async Task Answer(NetworkStream stream, Request request)
    {
        string path = request.Path.Split('?')[0];
        var segments = path.TrimStart('/').Split('/');
        bool head = request.Method == "HEAD";

        // /api/models/{org}/{name}/revision/{revision}
        if (segments is ["api", "models", var org, var name, "revision", .. var rest] && request.Method == "GET")
        {
            var repo = Find($"{org}/{name}");
            if (await Refused(stream, repo, request, $"{org}/{name}")) return;
            string revision = Uri.UnescapeDataString(string.Join("/", rest));
            if (CommitOf(repo!, revision) is not { } commit)
            {
                await Error(stream, 404, "RevisionNotFound", $"Invalid rev id: {revision}", head);
                return;
            }
            var json = new JsonObject
            {
                ["id"] = repo!.Id, ["sha"] = commit,
                ["siblings"] = new JsonArray(repo.Commits[commit].Keys.Order(StringComparer.Ordinal).Select(f => (JsonNode?)new JsonObject { ["rfilename"] = f }).ToArray()),
            };
            await Send(stream, 200, [("Content-Type", "application/json")], Encoding.UTF8.GetBytes(json.ToJsonString()), head);
            return;
        }

        // /api/resolve-cache/models/{org}/{name}/{commit}/{file}: where a regular file's resolve redirects.
        if (segments is ["api", "resolve-cache", "models", var corg, var cname, var ccommit, .. var cfile])
        {
            var repo = Find($"{corg}/{cname}");
            if (await Refused(stream, repo, request, $"{corg}/{cname}")) return;
            string file = Uri.UnescapeDataString(string.Join("/", cfile));
            if (!repo!.Commits.TryGetValue(ccommit, out var files) || !files.TryGetValue(file, out var bytes))
            {
                await Error(stream, 404, "EntryNotFound", $"{file} does not exist", head);
                return;
            }
            await SendBytes(stream, request, file, bytes, [("ETag", $"\"{GitBlobSha1(bytes)}\""), ("X-Repo-Commit", ccommit)], head);
            return;
        }

        // /cdn/{sha256}?file=...: where an LFS file's resolve redirects (absolute, another host).
        if (segments is ["cdn", var sha])
        {
            string file = Uri.UnescapeDataString(request.Path.Split("file=").ElementAtOrDefault(1) ?? "");
            var bytes = AllFiles().FirstOrDefault(f => Sha256(f.Bytes) == sha).Bytes;
            if (bytes is null)
            {
                await Send(stream, 404, [], [], head);
                return;
            }
            await SendBytes(stream, request, file, bytes, [("ETag", $"\"{sha}\"")], head);
            return;
        }

        // /{org}/{name}/resolve/{revision}/{file}
        if (segments is [var rorg, var rname, "resolve", var rrevision, .. var rfile])
        {
            var repo = Find($"{rorg}/{rname}");
            if (await Refused(stream, repo, request, $"{rorg}/{rname}")) return;
            string revision = Uri.UnescapeDataString(rrevision);
            string file = Uri.UnescapeDataString(string.Join("/", rfile));
            if (CommitOf(repo!, revision) is not { } commit)
            {
                await Error(stream, 404, "RevisionNotFound", $"Invalid rev id: {revision}", head);
                return;
            }
            if (!repo!.Commits[commit].TryGetValue(file, out var bytes))
            {
                await Error(stream, 404, "EntryNotFound", $"{file} does not exist at {revision}", head);
                return;
            }
            if (IsLfs(file))
                await Send(stream, 302, [("Location", $"http://localhost:{Port}/cdn/{Sha256(bytes)}?file={Uri.EscapeDataString(file)}"),
                    ("X-Repo-Commit", commit), ("X-Linked-Etag", $"\"{Sha256(bytes)}\""), ("X-Linked-Size", bytes.Length.ToString()),
                    ("ETag", "\"not-the-content-hash\"")], [], head);
            else
                await Send(stream, 307, [("Location", $"/api/resolve-cache/models/{repo.Id}/{commit}/{string.Join("/", rfile)}"), ("X-Repo-Commit", commit)], [], head);
            return;
        }

        await Send(stream, 404, [], [], head);
    }

    async Task<bool> Refused(NetworkStream stream, Repo? repo, Request request, string id)
    {
        bool head = request.Method == "HEAD";
        if (repo is null)
        {
            await Error(stream, 404, "RepoNotFound", $"Repository Not Found for url: {id}.", head);
            return true;
        }
        if (repo.Gated && request.Header("Authorization") != "Bearer " + Token)
        {
            await Error(stream, 401, "GatedRepo", $"Access to model {id} is restricted. You must have access to it and be authenticated to access it. Please log in.", head);
            return true;
        }
        return false;
    }

    /// <summary>A file's bytes, honouring <c>Range: bytes=N-</c>, cut halfway once for files in <see cref="CutOnce"/>.</summary>
    async Task SendBytes(NetworkStream stream, Request request, string file, byte[] bytes, (string, string)[] headers, bool head)
    {
        if (!head && Corrupted.ContainsKey(file))
        {
            bytes = [.. bytes];
            bytes[^1] ^= 0xff;
        }
        long from = 0;
        if (request.Header("Range") is { } range && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
            from = long.Parse(range["bytes=".Length..^1]);
        if (from > bytes.Length)
        {
            await Send(stream, 416, [("Content-Range", $"bytes */{bytes.Length}")], [], head);
            return;
        }
        var body = bytes.AsMemory((int)from);
        var all = from > 0 ? [.. headers, ("Content-Range", $"bytes {from}-{bytes.Length - 1}/{bytes.Length}")] : headers;
        if (!head && CutOnce.TryRemove(file, out _))
        {
            // Announce the whole body, send half, and drop the connection.
            await WriteHead(stream, from > 0 ? 206 : 200, all, body.Length);
            await stream.WriteAsync(body[..(body.Length / 2)]);
            await stream.FlushAsync();
            stream.Socket.LingerState = new LingerOption(true, 0);
            stream.Close();
            return;
        }
        await Send(stream, from > 0 ? 206 : 200, all, body.ToArray(), head);
    }

    static async Task Error(NetworkStream stream, int status, string code, string message, bool head) =>
        await Send(stream, status, [("X-Error-Code", code), ("X-Error-Message", message), ("Content-Type", "application/json")],
            Encoding.UTF8.GetBytes(new JsonObject { ["error"] = message }.ToJsonString()), head);

    static async Task Send(NetworkStream stream, int status, (string, string)[] headers, byte[] body, bool head)
    {
        await WriteHead(stream, status, headers, body.Length);
        if (!head) await stream.WriteAsync(body);
        await stream.FlushAsync();
    }

    static async Task WriteHead(NetworkStream stream, int status, (string Name, string Value)[] headers, long contentLength)
    {
        var text = new StringBuilder($"HTTP/1.1 {status} {Reason(status)}\r\n");
        foreach (var (name, value) in headers) text.Append($"{name}: {value}\r\n");
        text.Append($"Content-Length: {contentLength}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text.ToString()));
    }

    static string Reason(int status) => status switch
    {
        200 => "OK", 206 => "Partial Content", 302 => "Found", 307 => "Temporary Redirect", 401 => "Unauthorized",
        404 => "Not Found", 416 => "Range Not Satisfiable", _ => "Status",
    };

    static async Task<string?> ReadHead(NetworkStream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (await stream.ReadAsync(one) == 1)
        {
            bytes.Add(one[0]);
            if (bytes.Count >= 4 && bytes[^1] == '\n' && bytes[^2] == '\r' && bytes[^3] == '\n' && bytes[^4] == '\r')
                return Encoding.ASCII.GetString(bytes.ToArray(), 0, bytes.Count - 4);
        }
        return null;
    }

    Repo? Find(string id)
    {
        lock (_repos) return _repos.GetValueOrDefault(id);
    }

    static string? CommitOf(Repo repo, string revision) =>
        repo.Commits.ContainsKey(revision) ? revision : repo.Refs.GetValueOrDefault(revision);

    IEnumerable<(string File, byte[] Bytes)> AllFiles()
    {
        lock (_repos) return _repos.Values.SelectMany(r => r.Commits.Values.SelectMany(c => c.Select(f => (f.Key, f.Value)))).ToList();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }
}
