using Lora.Runtime.Models;
using Lora.Runtime.Native;
using Lora.Runtime.Peft;
using Lora.Runtime.Safetensors;
using Lora.Runtime.Tokenization;

namespace Lora.Cli;

/// <summary>
/// Turns an exception that escaped a verb into one "lora: error: …" line. Errors a user can act on
/// (a broken model folder, a malformed file, a bad value) print their message only, since the runtime's
/// messages already name the file and what to do; anything else is a bug and always shows its stack trace.
/// </summary>
public static class ErrorReport
{
    /// <summary>Environment variable that turns on stack traces like <c>--verbose</c> does.</summary>
    public const string DebugVariable = "LORA_DEBUG";

    public static int Write(Exception error, TextWriter stderr, bool verbose)
    {
        bool showStack = verbose || Environment.GetEnvironmentVariable(DebugVariable) == "1";
        if (IsUserError(error))
        {
            stderr.WriteLine($"lora: error: {error.Message}");
            if (showStack) stderr.WriteLine(error);
        }
        else
        {
            stderr.WriteLine($"lora: internal error ({error.GetType().Name}): {error.Message}");
            stderr.WriteLine(error);
        }
        return CliApp.Failure;
    }

    /// <summary>
    /// The runtime's own error types, argument problems and file-system problems (a missing or unwritable path).
    /// </summary>
    public static bool IsUserError(Exception error) => error is
        CommandInputException or ModelLoadException or PeftFormatException or SafetensorsFormatException
        or CheckpointFolderException or TokenizerLoadException or NativeLoadException or Lora.Runtime.Hub.HubException
        or Lora.Runtime.Export.Gguf.GgufExportException
        or ArgumentException or IOException or UnauthorizedAccessException;
}
