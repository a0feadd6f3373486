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

    public static IReadOnlyList<JsonlRow> Read(string path)
    {
        if (!File.Exists(path)) throw new DatasetException($"{path}: dataset file not found.");
        var rows = new List<JsonlRow>();
        foreach (var (number, bytes) in Lines(path))
        {
            string line;
            try { line = Utf8.GetString(bytes); }
            catch (DecoderFallbackException e)
            {
                throw new DatasetException($"{path}:{number}: not UTF-8 (byte 0x{(e.BytesUnknown is { Length: > 0 } bad ? bad[0] : 0):X2} at column " +
                                           $"{e.Index + 1} cannot start or continue a character); save the file as UTF-8.");
            }
            if (number == 1) line = line.TrimStart('\uFEFF');   // a byte-order mark is allowed before the first line
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonNode? node;
            try { node = JsonNode.Parse(line, documentOptions: Strict); }
            catch (JsonException e) { throw new DatasetException($"{path}:{number}: not valid JSON ({e.Message.Split(". ")[0]}); each line must be one JSON object."); }
            if (node is not JsonObject obj)
                throw new DatasetException($"{path}:{number}: expected a JSON object, found {node?.GetValueKind().ToString().ToLowerInvariant() ?? "null"}.");
            rows.Add(new JsonlRow(path, number, obj));
        }
        if (rows.Count == 0) throw new DatasetException($"{path}: the dataset has no rows.");
        return rows;
    }

    /// <summary>The file's lines as bytes (without \n or \r\n), numbered from 1: decoded one at a time, so an encoding error has a line.</summary>
    static IEnumerable<(int Number, byte[] Bytes)> Lines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var line = new MemoryStream();
        int number = 0, b;
        while ((b = stream.ReadByte()) >= 0)
        {
            if (b != '\n')
            {
                if (line.Length == MaxLineBytes)
                    throw new DatasetException($"{path}:{number + 1}: the line is longer than {MaxLineBytes >> 20} MiB; each line must be one example " +
                                               "(a JSON object), so check that the file is JSONL with a line break after each row.");
                line.WriteByte((byte)b);
                continue;
            }
            yield return (++number, Trimmed(line));
            line.SetLength(0);
        }
        if (line.Length > 0) yield return (++number, Trimmed(line));
    }

    static byte[] Trimmed(MemoryStream line)
    {
        var bytes = line.ToArray();
        return bytes is [.., (byte)'\r'] ? bytes[..^1] : bytes;
    }
}
