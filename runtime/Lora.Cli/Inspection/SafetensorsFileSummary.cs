using Lora.Runtime.Safetensors;

namespace Lora.Cli.Inspection;

/// <summary>What <c>lora inspect</c> says about one .safetensors file: its metadata and a table of its tensors.</summary>
public static class SafetensorsFileSummary
{
    public static void Write(string path, TextWriter output)
    {
        using var file = SafetensorsFile.Open(path);
        var entries = file.Entries;
        new SummaryTable()
            .Add("safetensors file", path)
            .Add("tensors", entries.Count)
            .Add("parameters", SummaryTable.Count(entries.Sum(e => e.ElementCount)))
            .Add("dtypes", entries.Count == 0 ? "none" : ModelFolderSummary.DTypes(entries))
            .Add("metadata", file.Metadata.Count == 0 ? "none" : string.Join(", ", file.Metadata.Select(p => $"{p.Key}={p.Value}")))
            .WriteTo(output);
        if (entries.Count == 0) return;

        output.WriteLine();
        var rows = new List<(string Name, string DType, string Shape)> { ("name", "dtype", "shape") };
        rows.AddRange(entries.OrderBy(e => e.Name, StringComparer.Ordinal)
            .Select(e => (e.Name, e.DType.ToHeaderName(), "[" + string.Join(", ", e.Shape) + "]")));
        int nameWidth = rows.Max(r => r.Name.Length) + 2, dtypeWidth = rows.Max(r => r.DType.Length) + 2;
        foreach (var (name, dtype, shape) in rows)
            output.WriteLine(name.PadRight(nameWidth) + dtype.PadRight(dtypeWidth) + shape);
    }
}
