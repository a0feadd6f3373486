using System.Text.RegularExpressions;

namespace Lora.Runtime.Adapters;

/// <summary>PEFT's rules for which modules an adapter targets.</summary>
/// <remarks>The patterns come from files (adapter_config.json) and attributes: each match has a time limit, so a pattern
/// that backtracks without end is an error naming it, not a hung build.</remarks>
public static class TargetMatcher
{
    /// <summary>How long one module name may take to match one pattern (real names take microseconds).</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    /// <summary>A list matches a module whose full name equals a target or ends with ".target"; a string is a full-match regex.</summary>
    public static bool Matches(LoraConfig settings, string moduleName) =>
        settings.TargetRegex is { } regex
            ? IsMatch(moduleName, $"^(?:{regex})$", regex)
            : settings.TargetModules.Any(t => moduleName == t || moduleName.EndsWith("." + t, StringComparison.Ordinal));

    /// <summary>rank_pattern / alpha_pattern: the first key that matches the end of the module name.</summary>
    public static T? PatternValue<T>(IReadOnlyDictionary<string, T> patterns, string moduleName) where T : struct
    {
        foreach (var (pattern, value) in patterns)
            if (IsMatch(moduleName, $"^(?:.*\\.)?(?:{pattern})$", pattern)) return value;
        return null;
    }

    static bool IsMatch(string moduleName, string anchored, string written)
    {
        try
        {
            return Regex.IsMatch(moduleName, anchored, RegexOptions.None, MatchTimeout);
        }
        catch (RegexMatchTimeoutException)
        {
            throw new ArgumentException($"The target pattern '{written}' took more than {MatchTimeout.TotalSeconds:0} s to match '{moduleName}': " +
                                        "it backtracks without end (nested repetition such as (a+)+). Simplify it, or list the module names.");
        }
    }
}
