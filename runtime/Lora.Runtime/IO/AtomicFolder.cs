namespace Lora.Runtime.IO;

/// <summary>
/// Writes a folder so that it appears complete or not at all: everything goes to a hidden sibling
/// first, which replaces the target by rename once every file is written.
/// </summary>
public static class AtomicFolder
{
    public static void Write(string target, Action<string> writeInto)
    {
        target = Path.GetFullPath(target.TrimEnd(Path.DirectorySeparatorChar));
        var parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(target)}.tmp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            writeInto(staging);
            if (Directory.Exists(target))
            {
                var old = Path.Combine(parent, $".{Path.GetFileName(target)}.old-{Guid.NewGuid():N}");
                Directory.Move(target, old);
                Directory.Move(staging, target);
                Directory.Delete(old, recursive: true);
            }
            else Directory.Move(staging, target);
        }
        catch
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            throw;
        }
    }

    /// <summary>Writes one text file atomically (temporary file in the same folder, then rename).</summary>
    public static void WriteText(string path, string text)
    {
        var temp = $"{path}.tmp-{Guid.NewGuid():N}";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}
