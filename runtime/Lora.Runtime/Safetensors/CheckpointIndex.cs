using System.Text.Json;

namespace Lora.Runtime.Safetensors;

/// <summary>
/// The content of model.safetensors.index.json: which shard holds each tensor. The "metadata" object
/// (total_size) is not checked: writers disagree on what it counts, and the shards' own headers are
/// validated instead.
/// </summary>
internal sealed class CheckpointIndex
{
    private const string WeightMapKey = "weight_map";

    // An index lists one line per tensor; even the largest public checkpoints stay far below this.
    private const long MaxIndexLength = 100_000_000;

    private CheckpointIndex(string path, List<KeyValuePair<string, string>> weightMap)
    {
        Path = path;
        WeightMap = weightMap;
    }

    public string Path { get; }

    /// <summary>Tensor name → shard file name, in the order the index lists them.</summary>
    public List<KeyValuePair<string, string>> WeightMap { get; }

    public static CheckpointIndex Read(string path)
    {
        var length = new FileInfo(path).Length;
        if (length > MaxIndexLength)
        {
            throw new SafetensorsFormatException(path, null, $"the index is {length} bytes, more than the {MaxIndexLength}-byte limit; it is not a checkpoint index");
        }

        var json = File.ReadAllBytes(path);
        try
        {
            return Parse(path, json);
        }
        catch (JsonException ex)
        {
            throw new SafetensorsFormatException(path, null, $"the index is not valid JSON: {ex.Message}", ex);
        }
    }

    private static CheckpointIndex Parse(string path, ReadOnlySpan<byte> json)
    {
        // A forward-only reader, like the header's, so that a tensor listed twice is caught instead
        // of one of its two shard assignments being silently dropped.
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new SafetensorsFormatException(path, null, $"the index must be a JSON object with a \"{WeightMapKey}\" object, found {JsonTokens.Describe(ref reader)}");
        }

        List<KeyValuePair<string, string>>? weightMap = null;
        var seenKeys = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            if (!seenKeys.Add(key))
            {
                throw new SafetensorsFormatException(path, null, $"the index lists the key \"{key}\" twice");
            }

            reader.Read();
            if (key == WeightMapKey)
            {
                weightMap = ReadWeightMap(path, ref reader);
            }
            else
            {
                reader.Skip();
            }
        }

        // Throws on anything but whitespace after the root object.
        reader.Read();
        if (weightMap is null)
        {
            throw new SafetensorsFormatException(path, null, $"the index has no \"{WeightMapKey}\" object mapping tensor names to shard files");
        }

        if (weightMap.Count == 0)
        {
            throw new SafetensorsFormatException(path, null, $"\"{WeightMapKey}\" lists no tensors");
        }

        return new CheckpointIndex(path, weightMap);
    }

    private static List<KeyValuePair<string, string>> ReadWeightMap(string path, ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new SafetensorsFormatException(path, null, $"\"{WeightMapKey}\" must be an object mapping tensor names to shard file names, found {JsonTokens.Describe(ref reader)}");
        }

        var entries = new List<KeyValuePair<string, string>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var tensor = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new SafetensorsFormatException(path, tensor, $"\"{WeightMapKey}\" must map the tensor to a shard file name, found {JsonTokens.Describe(ref reader)}");
            }

            var shard = reader.GetString()!;
            if (!seen.Add(tensor))
            {
                throw new SafetensorsFormatException(path, tensor, $"\"{WeightMapKey}\" lists the tensor twice");
            }

            // Only plain file names: an index must not send the loader to files outside the folder.
            if (shard.Length == 0 || shard is "." or ".." || System.IO.Path.GetFileName(shard) != shard || shard.Contains('\\'))
            {
                throw new SafetensorsFormatException(path, tensor,
                    $"\"{WeightMapKey}\" assigns the tensor to \"{shard}\", which is not a file name inside the checkpoint folder");
            }

            entries.Add(new(tensor, shard));
        }

        return entries;
    }
}
