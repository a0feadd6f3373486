using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Lora.Sdk.Tasks;

/// <summary>Errors, warnings and messages with a LORA code, attributed to the project file being built.</summary>
internal sealed class BuildLog(TaskLoggingHelper log, string projectFile)
{
    public void Error(string code, string text) =>
        log.LogError(null, code, null, projectFile, 0, 0, 0, 0, "{0}", text);

    public void Warning(string code, string text) =>
        log.LogWarning(null, code, null, projectFile, 0, 0, 0, 0, "{0}", text);

    public void Message(MessageImportance importance, string text) =>
        log.LogMessage(importance, "{0}", text);

    public bool HasLoggedErrors => log.HasLoggedErrors;
}
