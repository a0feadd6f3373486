using System.Security.Cryptography;
using System.Text;

#if LORA_SDK_TASKS
namespace Lora.Sdk.Tasks.Hub;
#else
namespace Lora.Runtime.Hub;
#endif

/// <summary>
/// Downloads what training needs of a model (<see cref="TrainingFiles"/>) into the Hugging Face cache as
/// huggingface_hub's <c>snapshot_download</c> does: the revision is resolved to one commit first and every file is
/// fetched at that commit; each file's bytes go to <c>blobs/{etag}.incomplete</c> (resumed if an earlier run left one),
/// are checked against the etag (sha256 for LFS files, the git blob sha1 for others) and renamed to <c>blobs/{etag}</c>,
/// and the snapshot gets a relative link to it; the branch or tag's ref is written last, so a pull that stops halfway
/// leaves a cache Python reads as it reads its own.
/// </summary>
#if LORA_SDK_TASKS
internal
#else
public
#endif
sealed class HubPull(HubCache cache, HubClient client, IPullProgress? progress = null)
{
    /// <summary>How long a download waits for another process (this SDK or Python) that holds the same blob's lock.</summary>
    public static readonly TimeSpan LockWait = TimeSpan.FromMinutes(30);

    /// <summary>Fetches the model's training files at <paramref name="revision"/>; returns the snapshot.</summary>
    public async Task<HubSnapshot> PullAsync(HubModelId id, string revision, CancellationToken cancellationToken)
    {
        if (HubModelId.RevisionProblem(revision) is { } problem) throw new HubException($"{id}: revision '{revision}' cannot be used: {problem}.");
        var info = await client.RepoInfoAsync(id, revision, cancellationToken).ConfigureAwait(false);
        if (!info.Files.Contains(TrainingFiles.Config))
            throw new HubException($"{id}@{revision} has no {TrainingFiles.Config} at commit {info.Commit}: it is not a transformers model repository.");
        progress?.Message($"{id}@{revision}: commit {info.Commit}, into {cache.ModelFolder(id)}");
        foreach (var file in TrainingFiles.MetadataOf(info.Files))
            await FetchAsync(id, info.Commit, file, cancellationToken).ConfigureAwait(false);

        string snapshot = cache.SnapshotFolder(id, info.Commit);
        var weights = TrainingFiles.WeightsOf(info.Files, info.Files.Contains(TrainingFiles.WeightsIndex) ? Path.Combine(snapshot, TrainingFiles.WeightsIndex) : null);
        if (weights.Count == 0)
            throw new HubException($"{id}@{revision} has no safetensors weights ({TrainingFiles.Weights} or {TrainingFiles.WeightsIndex}) at commit {info.Commit}; " +
                                   "the runtime reads safetensors only (a PyTorch .bin checkpoint can be converted with transformers' save_pretrained).");
        foreach (var file in weights)
        {
            if (!info.Files.Contains(file))
                throw new HubException($"{id}@{revision}: {TrainingFiles.WeightsIndex} names the shard {file}, which the repository does not have at commit {info.Commit}.");
            await FetchAsync(id, info.Commit, file, cancellationToken).ConfigureAwait(false);
        }
        cache.WriteRef(id, revision, info.Commit);
        return cache.Find(id, revision) ?? throw new HubException($"{id}@{revision}: the snapshot {snapshot} is missing after the download.");
    }

    /// <summary>One file: taken from the snapshot or the blobs when there, else downloaded and checked.</summary>
    async Task FetchAsync(HubModelId id, string commit, string file, CancellationToken cancellationToken)
    {
        string pointer = Path.Combine([cache.SnapshotFolder(id, commit), .. file.Split('/')]);
        if (HubCache.Resolves(pointer))
        {
            progress?.Message($"{file}: in the cache");
            return;
        }
        var metadata = await client.MetadataAsync(id, commit, file, cancellationToken).ConfigureAwait(false);
        string blob = cache.BlobFile(id, metadata.Etag);
        if (!File.Exists(blob))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
            using var hold = await LockAsync(id, metadata.Etag, file, cancellationToken).ConfigureAwait(false);
            if (!File.Exists(blob)) await DownloadAsync(id, file, metadata, blob, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            progress?.Message($"{file}: blob {metadata.Etag} in the cache");
        }
        cache.Link(id, commit, file, metadata.Etag);
    }

    async Task DownloadAsync(HubModelId id, string file, HubFileMetadata metadata, string blob, CancellationToken cancellationToken)
    {
        string incomplete = blob + ".incomplete";
        progress?.Message($"{file}: downloading {HubClient.Bytes(metadata.Size)}");
        await client.DownloadAsync(id, file, metadata.Location, incomplete, metadata.Size, progress, cancellationToken).ConfigureAwait(false);
        if (ChecksumProblem(incomplete, metadata.Etag) is { } problem)
        {
            File.Delete(incomplete);
            throw new HubException($"{id}: {file} does not match its checksum ({problem}); the download was discarded. Run the pull again.");
        }
        File.Move(incomplete, blob, overwrite: true);
    }

    /// <summary>
    /// Why the file's bytes are not those <paramref name="etag"/> names, or null when they are (or when the etag is no
    /// content hash: a server other than the hub may send any etag).
    /// </summary>
    public static string? ChecksumProblem(string path, string etag)
    {
        string? actual = etag.Length switch
        {
            64 when IsHex(etag) => Sha256(path),
            40 when IsHex(etag) => GitBlobSha1(path),
            _ => null,
        };
        return actual is null || string.Equals(actual, etag, StringComparison.OrdinalIgnoreCase) ? null
            : $"{(etag.Length == 64 ? "sha256" : "git blob sha1")} {actual}, expected {etag}";
    }

    static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Git's blob id: sha1 of <c>"blob {size}\0"</c> and the bytes, what the hub sends as a regular file's ETag.</summary>
    static string GitBlobSha1(string path)
    {
        using var stream = File.OpenRead(path);
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        sha1.AppendData(Encoding.ASCII.GetBytes($"blob {stream.Length}\0"));
        var buffer = new byte[1 << 16];
        int read;
        while ((read = stream.Read(buffer)) > 0) sha1.AppendData(buffer, 0, read);
        return Convert.ToHexStringLower(sha1.GetHashAndReset());
    }

    static bool IsHex(string text) => text.All(char.IsAsciiHexDigit);

    /// <summary>
    /// huggingface_hub's lock for one blob, <c>{cache}/.locks/models--org--name/{etag}.lock</c>: held exclusively (an
    /// advisory lock on Unix, as Python's filelock takes), so two pulls, ours or Python's, never write one blob together.
    /// </summary>
    async Task<IDisposable> LockAsync(HubModelId id, string etag, string file, CancellationToken cancellationToken)
    {
        string path = Path.Combine(cache.Root, ".locks", id.CacheFolderName, etag + ".lock");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        bool said = false;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited.Elapsed < LockWait)
            {
                if (!said) progress?.Message($"{file}: another download of it is under way ({path}); waiting for it");
                said = true;
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
