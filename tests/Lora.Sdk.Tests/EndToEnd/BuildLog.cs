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

    /// <summary>The runner's wall time from "Lora runner exited with code 0 after 0.31 s." (normal verbosity).</summary>
    public static double RunnerSeconds(string output)
    {
        var match = RunnerTimePattern().Match(output);
        Assert.True(match.Success, "no 'Lora runner exited' line in:\n" + output);
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^\s*(\S+) step (\d+)/\d+ loss ")]
    private static partial Regex ProgressPattern();

    [GeneratedRegex(@"Lora runner exited with code 0 after ([0-9.]+) s\.")]
    private static partial Regex RunnerTimePattern();
}
