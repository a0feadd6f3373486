using System.Security.Cryptography;
using System.Text;
using Lora.Generators.Files;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Lora.Sdk.Tasks;

/// <summary>
/// Copies the lines of each dataset that the source generator checks (<see cref="DatasetHead"/>) to a small head file,
/// read line by line, so that the compiler gets those lines and never a whole dataset of gigabytes. A head keeps the
/// dataset's line numbers (blank lines stay, as empty lines) and is rewritten only when its text changes.
/// </summary>
public sealed class LoraDatasetHeads : Microsoft.Build.Utilities.Task
{
    /// <summary>The JSONL datasets.</summary>
    [Required]
    public ITaskItem[] Datasets { get; set; } = [];

    /// <summary>Where the heads go (under obj/).</summary>
    [Required]
    public string OutputDirectory { get; set; } = "";

    /// <summary>One head per dataset, with the dataset's full path as <see cref="DatasetHead.SourcePathMetadata"/>.</summary>
    [Output]
    public ITaskItem[] Heads { get; private set; } = [];

    public override bool Execute()
    {
        Directory.CreateDirectory(OutputDirectory);
        var heads = new List<ITaskItem>();
        foreach (var dataset in Datasets)
        {
            // FullPath, not Path.GetFullPath: a relative item is the project's, and MSBuild nodes do not run in its folder.
            string source = dataset.GetMetadata("FullPath");
            if (!File.Exists(source)) continue;   // the generator reports a missing dataset at its [Dataset] argument
            // One file name per dataset path: two datasets of one name in different folders keep apart.
            string hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(source)))[..16].ToLowerInvariant();
            string head = Path.Combine(OutputDirectory, Path.GetFileNameWithoutExtension(source) + "." + hash + ".head.jsonl");
            try
            {
                WriteIfChanged(head, Head(source));
            }
            catch (IOException e)
            {
                Log.LogWarning(null, ErrorCodes.DatasetHeadUnreadable, null, Lora.Generators.Diagnostics.DiagnosticHelp.Link(ErrorCodes.DatasetHeadUnreadable), source, 0, 0, 0, 0, "{0}: its first lines could not be read for the compile-time check ({1}); the build goes on without them.", source, e.Message);
                continue;
            }
            var item = new TaskItem(head);
            item.SetMetadata(DatasetHead.SourcePathMetadata, source);
            heads.Add(item);
        }
        Heads = [.. heads];
        return !Log.HasLoggedErrors;
    }

    /// <summary>The dataset's lines up to its <see cref="DatasetHead.Lines"/>th non-blank one, stopping before a line longer
    /// than <see cref="DatasetHead.MaxLineLength"/> (it is read in bounded pieces, never whole).</summary>
    static string Head(string path)
    {
        var text = new StringBuilder();
        using var reader = new StreamReader(path, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
        var line = new StringBuilder();
        int nonBlank = 0;
        while (nonBlank < DatasetHead.Lines && ReadLine(reader, line) is { } complete)
        {
            if (!complete) break;   // longer than a head carries
            text.Append(line).Append('\n');
            if (!string.IsNullOrWhiteSpace(line.ToString())) nonBlank++;
        }
        return text.ToString();
    }

    /// <summary>Reads one line into <paramref name="line"/>: true when it ended within the length limit, false when it is
    /// longer, null at the end of the file.</summary>
    static bool? ReadLine(StreamReader reader, StringBuilder line)
    {
        line.Clear();
        int c = reader.Read();
        if (c < 0) return null;
        for (; c >= 0 && c != '\n'; c = reader.Read())
        {
            if (line.Length == DatasetHead.MaxLineLength) return false;
            line.Append((char)c);
        }
        if (line.Length > 0 && line[^1] == '\r') line.Length--;
        return true;
    }

    static void WriteIfChanged(string path, string text)
    {
        if (File.Exists(path) && File.ReadAllText(path) == text) return;
        File.WriteAllText(path, text);
    }
}
