using System.Text;
using System.Text.RegularExpressions;

namespace Lora.Runtime.Data;

/// <summary>Prompt texts: the Stanford Alpaca template, and <c>{Field}</c> placeholders filled from a row.</summary>
public static partial class PromptTemplates
{
    public const string AlpacaWithInput =
        "Below is an instruction that describes a task, paired with an input that provides further context. " +
        "Write a response that appropriately completes the request.\n\n### Instruction:\n{instruction}\n\n### Input:\n{input}\n\n### Response:\n";
    public const string AlpacaNoInput =
        "Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n" +
        "### Instruction:\n{instruction}\n\n### Response:\n";

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Placeholder();

    /// <summary>The placeholders a template uses, in order.</summary>
    public static IReadOnlyList<string> Fields(string template) => Placeholder().Matches(template).Select(m => m.Groups[1].Value).Distinct().ToList();

    /// <summary>Fills <c>{Field}</c> from the row (case-insensitive field match: C# properties are PascalCase, JSON often camelCase).</summary>
    public static string Fill(string template, JsonlRow row) => Placeholder().Replace(template, m =>
    {
        string name = m.Groups[1].Value;
        var key = row.Value.Select(kv => kv.Key).FirstOrDefault(k => k == name)
                  ?? row.Value.Select(kv => kv.Key).FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase))
                  ?? throw new DatasetException($"{row.Where}: the template needs field '{name}', which the line does not have; it has: {string.Join(", ", row.Value.Select(kv => kv.Key))}.");
        return row.Text(key);
    });
}
