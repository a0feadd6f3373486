namespace Lora.Runtime.Safetensors;

/// <summary>A model folder that holds no weights this SDK will load; the message says what was looked for and what to do.</summary>
public sealed class CheckpointFolderException(string folderPath, string message) : Exception(message)
{
    /// <summary>The folder that was searched.</summary>
    public string FolderPath { get; } = folderPath;
}
