using Lora.Generators.Diagnostics;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Lora.Sdk.Tasks;

/// <summary>
/// Errors, warnings and messages with a LORA code and its help page (docs/diagnostics/LORAxxxx.md), attributed to the file
/// and line they are about when the runner names one (a dataset line, the experiment's attribute), else to the project
/// file being built.
/// </summary>
internal sealed class BuildLog(TaskLoggingHelper log, string projectFile)
{
    public void Error(string code, string text, SourceSpot? at = null) =>
        log.LogError(null, code, null, DiagnosticHelp.Link(code), at?.File ?? projectFile, at?.Line ?? 0, at?.Column ?? 0, 0, 0, "{0}", text);

    public void Warning(string code, string text) =>
        log.LogWarning(null, code, null, DiagnosticHelp.Link(code), projectFile, 0, 0, 0, 0, "{0}", text);

    public void Message(MessageImportance importance, string text) =>
        log.LogMessage(importance, "{0}", text);

    public bool HasLoggedErrors => log.HasLoggedErrors;
}

/// <summary>A place in a file the build log attributes an error to; line and column from 1 (0: unknown).</summary>
internal sealed record SourceSpot(string File, int Line, int Column);
