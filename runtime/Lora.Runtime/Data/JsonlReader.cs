using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lora.Runtime.Data;

/// <summary>Reads a JSONL file: one JSON object per non-blank line; any other line is an error naming file and line.</summary>
public static class JsonlReader
{
    public static IReadOnlyList<JsonlRow> Read(string path)
    {
        if (!File.Exists(path)) throw new DatasetException($"{path}: dataset file not found.");
        var rows = new List<JsonlRow>();
        int number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonNode? node;
            try { node = JsonNode.Parse(line); }
            catch (JsonException e) { throw new DatasetException($"{path}:{number}: not valid JSON ({e.Message.Split('.')[0]}); each line must be one JSON object."); }
            if (node is not JsonObject obj)
                throw new DatasetException($"{path}:{number}: expected a JSON object, found {node?.GetValueKind().ToString().ToLowerInvariant() ?? "null"}.");
            rows.Add(new JsonlRow(path, number, obj));
        }
        if (rows.Count == 0) throw new DatasetException($"{path}: the dataset has no rows.");
        return rows;
    }
}
