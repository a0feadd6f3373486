using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Lora.Runtime.Safetensors;

/// <summary>
/// Reads the header JSON into entries and metadata. A forward-only <see cref="Utf8JsonReader"/> walk
/// rather than <see cref="JsonDocument"/>, because JsonDocument silently keeps duplicate keys and a
/// header with two entries for one tensor name must be refused, not resolved by whichever wins.
/// </summary>
internal static class SafetensorsHeaderJson
{
    public const string MetadataKey = "__metadata__";
    private const string DTypeField = "dtype";
    private const string ShapeField = "shape";
    private const string OffsetsField = "data_offsets";

    /// <summary>Entries in header order, and the metadata (empty when the header has none).</summary>
    public static (List<TensorEntry> Entries, Dictionary<string, string> Metadata) Read(string filePath, ReadOnlySpan<byte> json)
    {
        CheckEncoding(filePath, json);

        var entries = new List<TensorEntry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var seenKeys = new HashSet<string>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            // CheckEncoding has seen the '{', so the first token is the root object.
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString()!;
                if (!seenKeys.Add(key))
                {
                    throw Fail(filePath, key == MetadataKey ? null : key,
                        $"the header lists the key \"{key}\" twice; each tensor name (and \"{MetadataKey}\") may appear once");
                }

                reader.Read();
                if (key == MetadataKey)
                {
                    ReadMetadata(filePath, ref reader, metadata);
                }
                else
                {
                    entries.Add(ReadEntry(filePath, key, ref reader));
                }
            }

            // Anything but whitespace after the closing brace makes the reader throw; a second
            // value would otherwise be silently ignored.
            if (reader.Read())
            {
                throw Fail(filePath, null, $"unexpected {JsonTokens.Describe(ref reader)} after the header's JSON object");
            }
        }
        catch (JsonException ex)
        {
            throw new SafetensorsFormatException(filePath, null, $"the header is not valid JSON: {ex.Message}", ex);
        }

        return (entries, metadata);
    }

    private static void CheckEncoding(string filePath, ReadOnlySpan<byte> json)
    {
        if (json.IsEmpty)
        {
            throw Fail(filePath, null, "the header is empty (length prefix 0); expected a JSON object");
        }

        if (!Utf8.IsValid(json))
        {
            throw Fail(filePath, null, $"the header is not valid UTF-8 (first bad byte at header offset {FirstInvalidUtf8(json)})");
        }

        // The reference reader requires the '{' first: a header that starts with whitespace or a BOM
        // is a sign of a writer that does not follow the format.
        if (json[0] != (byte)'{')
        {
            var printable = json[0] is >= 0x20 and < 0x7F ? $" ('{(char)json[0]}')" : "";
            throw Fail(filePath, null, $"the header must be a JSON object starting with '{{', found byte 0x{json[0]:X2}{printable} first");
        }
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        var index = 0;
        while (index < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[index..], out _, out var consumed) != OperationStatus.Done)
            {
                return index;
            }

            index += consumed;
        }

        return index;
    }

    private static void ReadMetadata(string filePath, ref Utf8JsonReader reader, Dictionary<string, string> metadata)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Fail(filePath, null, $"\"{MetadataKey}\" must be an object of string keys to string values, found {JsonTokens.Describe(ref reader)}");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
            {
                throw Fail(filePath, null, $"\"{MetadataKey}\" entry \"{key}\" must be a string, found {JsonTokens.Describe(ref reader)}");
            }

            if (!metadata.TryAdd(key, reader.GetString()!))
            {
                throw Fail(filePath, null, $"\"{MetadataKey}\" lists the key \"{key}\" twice");
            }
        }
    }

    private static TensorEntry ReadEntry(string filePath, string name, ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Fail(filePath, name, $"expected an object with \"{DTypeField}\", \"{ShapeField}\" and \"{OffsetsField}\", found {JsonTokens.Describe(ref reader)}");
        }

        string? dtypeName = null;
        long[]? shape = null;
        long[]? offsets = null;
        var seenFields = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = reader.GetString()!;
            if (!seenFields.Add(field))
            {
                throw Fail(filePath, name, $"the field \"{field}\" appears twice");
            }

            reader.Read();
            switch (field)
            {
                case DTypeField:
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw Fail(filePath, name, $"\"{DTypeField}\" must be a string such as \"F32\", found {JsonTokens.Describe(ref reader)}");
                    }

                    dtypeName = reader.GetString()!;
                    break;
                case ShapeField:
                    shape = ReadIntegers(filePath, name, ShapeField, ref reader);
                    break;
                case OffsetsField:
                    offsets = ReadIntegers(filePath, name, OffsetsField, ref reader);
                    break;
                default:
                    // Unknown fields are ignored, as the reference reader (serde without
                    // deny_unknown_fields) ignores them; a future field must not break old readers.
                    reader.Skip();
                    break;
            }
        }

        var missing = new[] { (DTypeField, dtypeName is null), (ShapeField, shape is null), (OffsetsField, offsets is null) }
            .Where(f => f.Item2).Select(f => $"\"{f.Item1}\"").ToList();
        if (missing.Count > 0)
        {
            throw Fail(filePath, name, $"missing {string.Join(", ", missing)}; each tensor entry needs \"{DTypeField}\", \"{ShapeField}\" and \"{OffsetsField}\"");
        }

        return SafetensorsEntryRules.Check(filePath, name, dtypeName!, shape!, offsets!);
    }

    private static long[] ReadIntegers(string filePath, string name, string field, ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Fail(filePath, name, $"\"{field}\" must be an array of integers, found {JsonTokens.Describe(ref reader)}");
        }

        var values = new List<long>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var value))
            {
                throw Fail(filePath, name, $"\"{field}\" element {values.Count} must be an integer that fits in 64 bits, found {JsonTokens.Describe(ref reader)}");
            }

            values.Add(value);
        }

        return values.ToArray();
    }

    private static SafetensorsFormatException Fail(string filePath, string? tensorName, string problem) =>
        new(filePath, tensorName, problem);
}
