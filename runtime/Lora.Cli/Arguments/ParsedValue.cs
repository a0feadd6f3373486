using System.CommandLine;
using System.CommandLine.Parsing;

namespace Lora.Cli.Arguments;

/// <summary>Reading option values inside a command validator, where an option that failed to parse must not be read.</summary>
public static class ParsedValue
{
    /// <summary>
    /// The option's value, or default when it was not given or its own parser reported an error. That error is
    /// already on its way to the user; System.CommandLine's GetValue throws InvalidOperationException for such an
    /// option and does not expose the failure otherwise, so the exception is the signal.
    /// </summary>
    public static T? Of<T>(CommandResult result, Option<T> option)
    {
        try
        {
            return result.GetValue(option);
        }
        catch (InvalidOperationException)
        {
            return default;
        }
    }
}
