#if LORA_SDK_TASKS
namespace Lora.Sdk.Tasks.Hub;
#else
namespace Lora.Runtime.Hub;
#endif

/// <summary>
/// The Hugging Face cache as huggingface_hub lays it out, so that a model either side downloads serves both:
/// <code>
/// {root}/models--org--name/
///   refs/{revision}                 the commit hash the branch or tag pointed at when it was downloaded
///   blobs/{etag}                    each file's bytes once, named by its sha256 (LFS files) or git blob sha1 (others)
///   blobs/{etag}.incomplete         a download in progress, resumed from its length
///   snapshots/{commit}/{file}       a relative link to ../../blobs/{etag} (a copy where links cannot be made)
/// </code>
/// </summary>
#if LORA_SDK_TASKS
internal
#else
public
#endif
sealed class HubCache(string root)
{
    /// <summary>The cache folder.</summary>
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The cache this process's environment names (<see cref="HubEnvironment.CacheDirectory"/>).</summary>
    public static HubCache Current => new(HubEnvironment.Current.CacheDirectory);

    /// <summary><c>{root}/models--org--name</c>.</summary>
    public string ModelFolder(HubModelId id) => Path.Combine(Root, id.CacheFolderName);

    /// <summary><c>refs/{revision}</c> (a revision with slashes, <c>refs/pr/1</c>, is a nested file, as in Python).</summary>
    public string RefFile(HubModelId id, string revision) => Path.Combine([ModelFolder(id), "refs", .. revision.Split('/')]);

    /// <summary><c>snapshots/{commit}</c>.</summary>
    public string SnapshotFolder(HubModelId id, string commit) => Path.Combine(ModelFolder(id), "snapshots", commit);

    /// <summary><c>blobs/{etag}</c>.</summary>
    public string BlobFile(HubModelId id, string etag) => Path.Combine(ModelFolder(id), "blobs", etag);

    /// <summary>
    /// The snapshot <paramref name="revision"/> resolves to: a commit hash names its snapshot directly, a branch or tag
    /// through its refs file. Null when the model, the ref or the snapshot folder is not in the cache.
    /// </summary>
    public HubSnapshot? Find(HubModelId id, string revision)
    {
        if (HubModelId.RevisionProblem(revision) is not null) return null;
        string? commit = HubModelId.IsCommitHash(revision) ? revision : ReadRef(id, revision);
        if (commit is null || !HubModelId.IsCommitHash(commit)) return null;
        string folder = SnapshotFolder(id, commit);
        return Directory.Exists(folder) ? new HubSnapshot(id, revision, commit, folder) : null;
    }

    /// <summary>The commit a branch or tag pointed at when it was last downloaded, or null.</summary>
    public string? ReadRef(HubModelId id, string revision)
    {
        string file = RefFile(id, revision);
        try
        {
            return File.Exists(file) ? File.ReadAllText(file).Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Records that <paramref name="revision"/> is <paramref name="commit"/> (atomically: a reader sees the old or the new hash).</summary>
    public void WriteRef(HubModelId id, string revision, string commit)
    {
        if (revision == commit) return;
        string file = RefFile(id, revision);
        if (ReadRef(id, revision) == commit) return;
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        string temporary = file + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        File.WriteAllText(temporary, commit);
        File.Move(temporary, file, overwrite: true);
    }

    /// <summary>
    /// Puts <paramref name="file"/> (a repository path, '/'-separated) into the snapshot as a relative link to its blob,
    /// as huggingface_hub's <c>_create_symlink</c> does (<c>snapshots/{commit}/a/b.json</c> → <c>../../../blobs/{etag}</c>);
    /// where links cannot be made (Windows without the privilege) the blob is copied instead, as Python then does.
    /// </summary>
    public string Link(HubModelId id, string commit, string file, string etag)
    {
        string snapshot = SnapshotFolder(id, commit);
        string pointer = Path.Combine([snapshot, .. file.Split('/')]);
        string blob = BlobFile(id, etag);
        Directory.CreateDirectory(Path.GetDirectoryName(pointer)!);
        if (File.Exists(pointer) || IsLink(pointer)) File.Delete(pointer);
        string relative = Path.GetRelativePath(Path.GetDirectoryName(pointer)!, blob);
        try
        {
            File.CreateSymbolicLink(pointer, relative);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            File.Copy(blob, pointer, overwrite: true);
        }
        return pointer;
    }

    /// <summary>Whether the snapshot has <paramref name="file"/> whole: a link whose blob exists, or a file.</summary>
    public static bool HasFile(HubSnapshot snapshot, string file) => Resolves(Path.Combine([snapshot.Folder, .. file.Split('/')]));

    /// <summary>Whether <paramref name="path"/> is a file, or a link that leads to one (a link whose blob is gone does not count).</summary>
    public static bool Resolves(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is null) return info.Exists;
        try { return info.ResolveLinkTarget(returnFinalTarget: true) is { Exists: true }; }
        catch (IOException) { return false; }
    }

    static bool IsLink(string path) => new FileInfo(path).LinkTarget is not null;
}
