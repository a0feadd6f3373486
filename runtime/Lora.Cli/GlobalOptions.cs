using System.CommandLine;

namespace Lora.Cli;

/// <summary>Options that every verb accepts.</summary>
public static class GlobalOptions
{
    /// <summary>Prints the stack trace of an error as well as its message.</summary>
    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Print the full stack trace of an error (also: environment variable LORA_DEBUG=1).",
        Recursive = true,
    };
}
