namespace Lora.Cli.Arguments;

/// <summary>
/// Where a verb writes, checked before it reads anything. A write replaces its output wholesale (atomically, through
/// <c>AtomicFolder</c>), so the output may never be an input, lie inside one, or be a folder that holds one; an output
/// that exists and is not empty is replaced only with <c>--overwrite</c>; a folder output is not a file and a file output
/// is not a folder. A refused command has read and written nothing.
/// </summary>
public static class OutputPaths
{
    /// <summary>An input of the verb: the option that named it and its path (null when not given).</summary>
    public readonly record struct Input(string Option, string? Path);

    /// <summary>Checks a folder output (a model, a checkpoint) against the verb's inputs.</summary>
    /// <exception cref="CommandInputException">The output overlaps an input, is a file, or exists with content and no --overwrite.</exception>
    public static void CheckFolder(string output, bool overwrite, params Input[] inputs)
    {
        CheckApart(output, inputs);
        if (File.Exists(output))
            throw new CommandInputException($"--out {output} is a file; the output is a folder.");
        if (!overwrite && Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any())
            throw new CommandInputException($"--out {output} exists and is not empty; pass --overwrite to replace it, or choose a new folder.");
    }

    /// <summary>Checks a file output (logits, a dataset) against the verb's inputs.</summary>
    /// <exception cref="CommandInputException">The output overlaps an input, is a folder, or exists and --overwrite is not given.</exception>
    public static void CheckFile(string output, bool overwrite, params Input[] inputs)
    {
        CheckApart(output, inputs);
        if (Directory.Exists(output))
            throw new CommandInputException($"--out {output} is a folder; the output is one file.");
        if (!overwrite && File.Exists(output) && new FileInfo(output).Length > 0)
            throw new CommandInputException($"--out {output} exists; pass --overwrite to replace it, or choose a new file.");
    }

    static void CheckApart(string output, Input[] inputs)
    {
        string target = Full(output);
        foreach (var (option, path) in inputs)
        {
            if (path is null) continue;
            string input = Full(path);
            if (Same(input, target))
                throw new CommandInputException($"--out {output} is the {option} {path}; write to a new location: the output replaces what is there.");
            if (Inside(target, input))
                throw new CommandInputException($"--out {output} is inside the {option} folder {path}; write outside it: the output must not change an input.");
            if (Inside(input, target))
                throw new CommandInputException($"--out {output} holds the {option} {path}; writing it would replace that input. Choose another location.");
        }
    }

    static StringComparison Comparison => OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    static bool Same(string a, string b) => string.Equals(a, b, Comparison);

    /// <summary>Whether <paramref name="path"/> lies strictly inside <paramref name="folder"/>.</summary>
    static bool Inside(string path, string folder) =>
        path.Length > folder.Length && path.StartsWith(folder, Comparison) && path[folder.Length] == Path.DirectorySeparatorChar;

    /// <summary>The absolute path without a trailing separator, with symbolic links of existing parts followed.</summary>
    static string Full(string path)
    {
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        // Follow a link at the path itself or at its nearest existing ancestor, so that a link to an input is that input.
        for (string? probe = full, rest = ""; probe is not null; rest = Path.Combine(Path.GetFileName(probe), rest), probe = Path.GetDirectoryName(probe))
        {
            FileSystemInfo info = Directory.Exists(probe) ? new DirectoryInfo(probe) : new FileInfo(probe);
            if (!info.Exists) continue;
            string resolved = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? probe;
            return Path.TrimEndingDirectorySeparator(rest.Length == 0 ? resolved : Path.Combine(resolved, rest));
        }
        return full;
    }
}
