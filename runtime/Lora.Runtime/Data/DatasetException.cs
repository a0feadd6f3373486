namespace Lora.Runtime.Data;

/// <summary>A dataset line or example cannot be used; the message names the file and line, and so do
/// <see cref="File"/> and <see cref="Line"/> (null and 0 when no line is to blame), for the build's error list.</summary>
public sealed class DatasetException(string message, string? file = null, int line = 0, int column = 0) : Exception(message)
{
    /// <summary>The dataset file, or null.</summary>
    public string? File { get; } = file;

    /// <summary>The line, from 1; 0 when unknown.</summary>
    public int Line { get; } = line;

    /// <summary>The column, from 1; 0 when unknown.</summary>
    public int Column { get; } = column;

    /// <summary>The same error, located at <paramref name="file"/>:<paramref name="line"/>.</summary>
    public DatasetException At(string file, int line, int column = 0) => new(Message, file, line, column);
}
