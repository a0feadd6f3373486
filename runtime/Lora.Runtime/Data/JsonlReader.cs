using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lora.Runtime.Data;

/// <summary>
/// Reads a JSONL file: one JSON object per non-blank line; any other line is an error naming file and line. The bytes
/// must be UTF-8 (an invalid byte is an error, not a silent U+FFFD) and a key may appear once per object (a duplicate
/// is an error: which of the two values a reader keeps differs from one JSON library to the next).
/// </summary>
public static class JsonlReader
{
    static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };
    static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The longest line read, in bytes: a row is one example, and a longer "line" (a file without line breaks, a
    /// binary file) would otherwise be held whole in memory before anything could be said about it.</summary>
    public const int MaxLineBytes = 64 << 20;

    /// <summary>Every row of the file, in memory at once; <see cref="Stream"/> reads a large file in bounded memory.</summary>
    public static IReadOnlyList<JsonlRow> Read(string path) => Stream(path).Select(r => r.Row).ToList();

    /// <summary>
    /// The file's rows one at a time, each with the byte offset its line starts at (for <see cref="ReadAt"/>): only the line
    /// being parsed is in memory. A file without rows is an error once the enumeration reaches its end.
    /// </summary>
    public static IEnumerable<(JsonlRow Row, long Offset)> Stream(string path)
    {
        if (!File.Exists(path)) throw new DatasetException($"{path}: dataset file not found.");
        bool any = false;
        foreach (var (number, offset, bytes) in Lines(path, start: 0, firstNumber: 1))
            if (Parse(path, number, bytes) is { } row)
            {
                any = true;
                yield return (row, offset);
            }
        if (!any) throw new DatasetException($"{path}: the dataset has no rows.");
    }

    /// <summary>
    /// One row again, from the line <see cref="Stream"/> found at <paramref name="offset"/> as line <paramref name="line"/>,
    /// with the same checks; an error when that line no longer holds a row (the file changed since).
    /// </summary>
    public static JsonlRow ReadAt(string path, int line, long offset)
    {
        if (!File.Exists(path)) throw new DatasetException($"{path}: dataset file not found.");
        foreach (var (number, _, bytes) in Lines(path, offset, line))
            return Parse(path, number, bytes) ?? throw Changed();
        throw Changed();
        DatasetException Changed() => new($"{path}:{line}: the line is blank or missing; the file changed since its rows were read. Build again.", path, line);
    }

    /// <summary>A line's row; null for a blank line.</summary>
    static JsonlRow? Parse(string path, int number, byte[] bytes)
    {
        string line;
        try { line = Utf8.GetString(bytes); }
        catch (DecoderFallbackException e)
        {
            throw new DatasetException($"{path}:{number}: not UTF-8 (byte 0x{(e.BytesUnknown is { Length: > 0 } bad ? bad[0] : 0):X2} at column " +
                                       $"{e.Index + 1} cannot start or continue a character); save the file as UTF-8.", path, number, e.Index + 1);
        }
        if (number == 1) line = line.TrimStart('\uFEFF');   // a byte-order mark is allowed before the first line
        if (string.IsNullOrWhiteSpace(line)) return null;
        JsonNode? node;
        try { node = JsonNode.Parse(line, documentOptions: Strict); }
        catch (JsonException e)
        {
            throw new DatasetException($"{path}:{number}: not valid JSON ({e.Message.Split(". ")[0]}); each line must be one JSON object.", path, number,
                e.BytePositionInLine is { } at ? (int)at + 1 : 0);
        }
        if (node is not JsonObject obj)
            throw new DatasetException($"{path}:{number}: expected a JSON object, found {node?.GetValueKind().ToString().ToLowerInvariant() ?? "null"}.", path, number);
        return new JsonlRow(path, number, obj);
    }

    /// <summary>
    /// The file's lines from byte <paramref name="start"/> on (a line's start), as bytes without \n or \r\n, numbered from
    /// <paramref name="firstNumber"/>, each with the offset it starts at: decoded one at a time, so an encoding error has a line.
    /// </summary>
    static IEnumerable<(int Number, long Offset, byte[] Bytes)> Lines(string path, long start, int firstNumber)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        stream.Position = start;
        var line = new MemoryStream();
        int number = firstNumber - 1, b;
        long offset = start, lineStart = start;
        while ((b = stream.ReadByte()) >= 0)
        {
            offset++;
            if (b != '\n')
            {
                if (line.Length == MaxLineBytes)
                    throw new DatasetException($"{path}:{number + 1}: the line is longer than {MaxLineBytes >> 20} MiB; each line must be one example " +
                                               "(a JSON object), so check that the file is JSONL with a line break after each row.", path, number + 1);
                line.WriteByte((byte)b);
                continue;
            }
            yield return (++number, lineStart, Trimmed(line));
            line.SetLength(0);
            lineStart = offset;
        }
        if (line.Length > 0) yield return (++number, lineStart, Trimmed(line));
    }

    static byte[] Trimmed(MemoryStream line)
    {
        var bytes = line.ToArray();
        return bytes is [.., (byte)'\r'] ? bytes[..^1] : bytes;
    }
}
