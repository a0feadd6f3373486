using System.Runtime.InteropServices;

namespace Lora.Runtime.IO;

/// <summary>
/// Makes writes survive a power cut or a killed machine, not only a killed process: a file's data reaches the disk
/// before the rename that publishes it, and the folder's entry for the rename reaches it after. Without the first, a
/// crash can leave a published name over empty or partial data; without the second, the rename itself can be lost.
/// </summary>
public static partial class Durable
{
    /// <summary>Forces <paramref name="path"/>'s data to the disk.</summary>
    public static void FlushFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Forces every file under <paramref name="folder"/> to the disk, then the folders' entries.</summary>
    public static void FlushTree(string folder)
    {
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)) FlushFile(file);
        foreach (var sub in Directory.EnumerateDirectories(folder, "*", SearchOption.AllDirectories)) FlushFolder(sub);
        FlushFolder(folder);
    }

    /// <summary>Forces <paramref name="folder"/>'s entries (names created, renamed, removed) to the disk; a no-op on Windows, where
    /// the file system orders them itself.</summary>
    public static void FlushFolder(string folder)
    {
        if (OperatingSystem.IsWindows()) return;
        int fd = open(folder, 0 /* O_RDONLY */);
        if (fd < 0) return;   // a folder that cannot be opened for reading: nothing more can be done from here
        try
        {
            fsync(fd);
        }
        finally
        {
            close(fd);
        }
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport("libc")]
    private static partial int close(int fd);
}
