using System.Globalization;

namespace Lora.Cli.Inspection;

/// <summary>
/// Shortens a list of module names by folding the layer index: <c>model.layers.0.self_attn.q_proj</c> …
/// <c>model.layers.31.self_attn.q_proj</c> becomes <c>model.layers.{0-31}.self_attn.q_proj</c>.
/// </summary>
public static class ModuleNamePatterns
{
    private const string Hole = "{}";

    /// <summary>One pattern per distinct name once its first numeric segment is folded, in ordinal order.</summary>
    public static IReadOnlyList<string> Fold(IEnumerable<string> moduleNames)
    {
        var indicesByTemplate = new SortedDictionary<string, SortedSet<int>>(StringComparer.Ordinal);
        foreach (var name in moduleNames.Distinct())
        {
            var segments = name.Split('.');
            int at = Array.FindIndex(segments, s => s.Length > 0 && s.All(char.IsAsciiDigit));
            if (at < 0 || !int.TryParse(segments[at], NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            {
                indicesByTemplate.TryAdd(name, []);
                continue;
            }
            segments[at] = Hole;
            var template = string.Join('.', segments);
            if (!indicesByTemplate.TryGetValue(template, out var indices)) indicesByTemplate[template] = indices = [];
            indices.Add(index);
        }
        return indicesByTemplate
            .Select(p => p.Value.Count == 0 ? p.Key : p.Key.Replace(Hole, "{" + Ranges(p.Value) + "}"))
            .ToList();
    }

    /// <summary>Sorted integers as ranges: 0,1,2,3,5 → "0-3,5".</summary>
    public static string Ranges(IEnumerable<int> sorted)
    {
        var parts = new List<string>();
        int? start = null, end = null;
        foreach (int i in sorted)
        {
            if (end == i - 1) { end = i; continue; }
            if (start is not null) parts.Add(Range(start.Value, end!.Value));
            start = end = i;
        }
        if (start is not null) parts.Add(Range(start.Value, end!.Value));
        return string.Join(",", parts);

        static string Range(int a, int b) => a == b ? $"{a}" : $"{a}-{b}";
    }
}
