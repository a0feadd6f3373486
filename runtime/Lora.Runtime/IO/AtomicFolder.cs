namespace Lora.Runtime.IO;

/// <summary>
/// Writes a folder so that it appears complete or not at all: everything goes to a hidden sibling
/// first, which replaces the target by rename once every file is written and on the disk (<see cref="Durable"/>).
/// What an interrupted write leaves (the hidden siblings) is removed by <see cref="RemoveLeftovers"/>.
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
            Durable.FlushTree(staging);
            if (Directory.Exists(target))
            {
                var old = Path.Combine(parent, $".{Path.GetFileName(target)}.old-{Guid.NewGuid():N}");
                Directory.Move(target, old);
                Directory.Move(staging, target);
                Directory.Delete(old, recursive: true);
            }
            else Directory.Move(staging, target);
            Durable.FlushFolder(parent);
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
        using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        Durable.FlushFolder(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>
    /// Removes what interrupted writes left in <paramref name="folder"/>: the hidden staging and replaced folders of
    /// <see cref="Write"/> (<c>.name.tmp-*</c>, <c>.name.old-*</c>) and the temporary files of <see cref="WriteText"/>
    /// (<c>name.tmp-*</c>). Only call it where no other write is in progress (under the experiment's lock).
    /// </summary>
    public static int RemoveLeftovers(string folder)
    {
        if (!Directory.Exists(folder)) return 0;
        int removed = 0;
        foreach (var dir in Directory.EnumerateDirectories(folder, ".*").Where(IsLeftover).ToList())
        {
            Directory.Delete(dir, recursive: true);
            removed++;
        }
        foreach (var file in Directory.EnumerateFiles(folder, "*.tmp-*").Where(IsLeftover).ToList())
        {
            File.Delete(file);
            removed++;
        }
        return removed;
    }

    static bool IsLeftover(string path)
    {
        string name = Path.GetFileName(path);
        int at = Math.Max(name.LastIndexOf(".tmp-", StringComparison.Ordinal), name.LastIndexOf(".old-", StringComparison.Ordinal));
        return at > 0 && name.Length - at - 5 == 32 && name[(at + 5)..].All(Uri.IsHexDigit);
    }
}
