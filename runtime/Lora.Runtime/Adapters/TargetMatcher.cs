using System.Text.RegularExpressions;

namespace Lora.Runtime.Adapters;

/// <summary>PEFT's rules for which modules an adapter targets.</summary>
public static class TargetMatcher
{
    /// <summary>A list matches a module whose full name equals a target or ends with ".target"; a string is a full-match regex.</summary>
    public static bool Matches(LoraConfig settings, string moduleName) =>
        settings.TargetRegex is { } regex
            ? Regex.IsMatch(moduleName, $"^(?:{regex})$")
            : settings.TargetModules.Any(t => moduleName == t || moduleName.EndsWith("." + t, StringComparison.Ordinal));

    /// <summary>rank_pattern / alpha_pattern: the first key that matches the end of the module name.</summary>
    public static T? PatternValue<T>(IReadOnlyDictionary<string, T> patterns, string moduleName) where T : struct
    {
        foreach (var (pattern, value) in patterns)
            if (Regex.IsMatch(moduleName, $"^(?:.*\\.)?(?:{pattern})$")) return value;
        return null;
    }
}
