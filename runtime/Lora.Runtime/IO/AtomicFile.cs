namespace Lora.Runtime.IO;

/// <summary>
/// Writes one file so that it appears complete or not at all: into a temporary file beside it (<c>name.tmp-&lt;32 hex&gt;</c>,
/// which <see cref="AtomicFolder.RemoveLeftovers"/> recognises), flushed to the disk, then renamed over the target.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        var temp = $"{full}.tmp-{Guid.NewGuid():N}";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
            Durable.FlushFolder(folder);
        }
        catch
        {
            if (File.Exists(temp)) File.Delete(temp);
            throw;
        }
    }
}
