using System.Text.RegularExpressions;

namespace Lora.Sdk.Tests.Infrastructure;

/// <summary>
/// Reads and adjusts the template's sample experiment without depending on its details (the sample may change):
/// its [Training] attribute, its dataset path, its evaluation attributes.
/// </summary>
public static partial class TemplateSource
{
    /// <summary>The whole [Training(...)] attribute.</summary>
    public const string TrainingAttribute = @"\[Training\([^\]]*\)\]";

    /// <summary>Lines holding an [Evaluate(...)] or [Expect(...)] attribute.</summary>
    public const string EvaluationLines = @"^[ \t]*\[(Evaluate|Expect)\(.*\)\][ \t]*\r?\n";

    /// <summary>The path in [Dataset("…")] or [Dataset&lt;TRow&gt;("…")].</summary>
    public static string DatasetPath(string experimentSource)
    {
        var match = DatasetPattern().Match(experimentSource);
        Assert.True(match.Success, "no [Dataset(\"…\")] in:\n" + experimentSource);
        return match.Groups[1].Value;
    }

    [GeneratedRegex(@"\[Dataset(?:<[^>]+>)?\(""([^""]+)""")]
    private static partial Regex DatasetPattern();
}
