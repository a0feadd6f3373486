using System.Globalization;
using System.Text.RegularExpressions;

namespace Lora.Sdk.Tests.EndToEnd;

/// <summary>Reads facts back from build output.</summary>
public static partial class BuildLog
{
    /// <summary>The step number of a progress line of <paramref name="experiment"/>, or null.</summary>
    public static int? Step(string line, string experiment)
    {
        var match = ProgressPattern().Match(line);
        return match.Success && match.Groups[1].Value == experiment ? int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>Steps done and in all from a "NAME: checkpoint after step N/M" line of <paramref name="experiment"/>, or null.</summary>
    public static (int Done, int Total)? Checkpoint(string line, string experiment)
    {
        var match = CheckpointPattern().Match(line);
        return match.Success && match.Groups[1].Value == experiment ? (Number(match.Groups[2]), Number(match.Groups[3])) : null;
    }

    /// <summary>The checkpoint folder and steps done and in all from the "NAME: resuming from step-… (N/M steps done)" line
    /// of <paramref name="experiment"/> in a build's output, or null when it did not resume.</summary>
    public static (string Folder, int Done, int Total)? Resume(string output, string experiment)
    {
        foreach (Match match in ResumePattern().Matches(output))
            if (match.Groups[1].Value == experiment) return (match.Groups[2].Value, Number(match.Groups[3]), Number(match.Groups[4]));
        return null;
    }

    /// <summary>The runner's wall time from "Lora runner exited with code 0 after 0.31 s." (normal verbosity).</summary>
    public static double RunnerSeconds(string output)
    {
        var match = RunnerTimePattern().Match(output);
        Assert.True(match.Success, "no 'Lora runner exited' line in:\n" + output);
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^\s*(\S+) step (\d+)/\d+ loss ")]
    private static partial Regex ProgressPattern();

    static int Number(Group group) => int.Parse(group.Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\s*(\S+): checkpoint after step (\d+)/(\d+)\s*$")]
    private static partial Regex CheckpointPattern();

    [GeneratedRegex(@"^\s*(\S+): resuming from (step-\d+) \((\d+)/(\d+) steps done\)", RegexOptions.Multiline)]
    private static partial Regex ResumePattern();

    [GeneratedRegex(@"Lora runner exited with code 0 after ([0-9.]+) s\.")]
    private static partial Regex RunnerTimePattern();
}
