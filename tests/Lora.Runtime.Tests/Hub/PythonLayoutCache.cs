namespace Lora.HubTesting;

/// <summary>
/// Writes a model into a Hugging Face cache exactly as Python's huggingface_hub lays one out (file_download.py):
/// <c>models--org--name/blobs/{etag}</c> (sha256 for LFS files, the git blob sha1 for others),
/// <c>snapshots/{commit}/{file}</c> as a relative symlink made the way <c>os.path.relpath</c> makes it
/// (<c>../../blobs/{etag}</c>), and <c>refs/{revision}</c> holding the commit hash without a newline.
/// </summary>
public static class PythonLayoutCache
{
    /// <summary>Writes the files as <paramref name="id"/> at <paramref name="commit"/>, and <paramref name="revision"/>'s ref (none when null).</summary>
    public static string Write(string root, string id, string? revision, string commit, IReadOnlyDictionary<string, byte[]> files)
    {
        string repo = Path.Combine(root, "models--" + id.Replace("/", "--", StringComparison.Ordinal));
        string snapshot = Path.Combine(repo, "snapshots", commit);
        Directory.CreateDirectory(Path.Combine(repo, "blobs"));
        foreach (var (file, bytes) in files)
        {
            string etag = LoopbackHub.Etag(file, bytes);
            File.WriteAllBytes(Path.Combine(repo, "blobs", etag), bytes);
            string pointer = Path.Combine([snapshot, .. file.Split('/')]);
            Directory.CreateDirectory(Path.GetDirectoryName(pointer)!);
            string up = string.Concat(Enumerable.Repeat("../", file.Count(c => c == '/') + 2));
            File.CreateSymbolicLink(pointer, up + "blobs/" + etag);
        }
        if (revision is not null)
        {
            string reference = Path.Combine([repo, "refs", .. revision.Split('/')]);
            Directory.CreateDirectory(Path.GetDirectoryName(reference)!);
            File.WriteAllText(reference, commit);
        }
        return snapshot;
    }
}
