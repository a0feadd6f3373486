namespace Lora.Cli.Inspection;

/// <summary>
/// Lines of "key   value" with the values aligned, as <c>lora inspect</c> prints them. A value with several
/// lines continues under the first, indented to the value column.
/// </summary>
public sealed class SummaryTable
{
    private readonly List<(string Key, string Value)> _rows = [];

    public SummaryTable Add(string key, object value)
    {
        _rows.Add((key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""));
        return this;
    }

    public void WriteTo(TextWriter output)
    {
        int width = _rows.Max(r => r.Key.Length) + 2;
        foreach (var (key, value) in _rows)
        {
            var lines = value.Split('\n');
            output.WriteLine(key.PadRight(width) + lines[0]);
            foreach (var line in lines.Skip(1)) output.WriteLine(new string(' ', width) + line);
        }
    }

    /// <summary>A count with thousands separators, the same on every machine.</summary>
    public static string Count(long n) => n.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
}
