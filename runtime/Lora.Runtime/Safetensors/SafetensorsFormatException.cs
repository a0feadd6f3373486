namespace Lora.Runtime.Safetensors;

/// <summary>A safetensors file (or a checkpoint index) that breaks the format; the message names the file, the tensor, what was expected and what was found.</summary>
public sealed class SafetensorsFormatException : Exception
{
    public SafetensorsFormatException(string filePath, string? tensorName, string problem, Exception? innerException = null)
        : base(Compose(filePath, tensorName, problem), innerException)
    {
        FilePath = filePath;
        TensorName = tensorName;
        Problem = problem;
    }

    /// <summary>The file whose content is wrong.</summary>
    public string FilePath { get; }

    /// <summary>The tensor concerned, or null when the problem is file-wide (length prefix, JSON syntax, metadata).</summary>
    public string? TensorName { get; }

    /// <summary>The message without the file and tensor prefix.</summary>
    public string Problem { get; }

    private static string Compose(string filePath, string? tensorName, string problem) =>
        tensorName is null ? $"{filePath}: {problem}" : $"{filePath}: tensor '{tensorName}': {problem}";
}
