using System.Text.Json;
using System.Text.Json.Nodes;
using Lora.Runtime.Peft;
using Lora.Runtime.Safetensors;

namespace Lora.Runtime.Experiments;

/// <summary>
/// Whether a completed stage's files are still whole: a stage recorded as done whose output is missing, empty or
/// unreadable (a disk filled up, a file truncated or edited by hand) is redone, with the reason, instead of failing
/// every later build. Headers and JSON are read; tensor data is not.
/// </summary>
public static class StageArtifacts
{
    /// <summary>Why the stage's output cannot be used, or null when it can.</summary>
    public static string? Problem(ExperimentPaths paths, string stage) => stage switch
    {
        StageRecord.Train => Folder(paths.Adapter, PeftAdapterConfig.FileName, PeftAdapter.WeightsFileName),
        StageRecord.Merge => Folder(paths.Merged, "config.json", "model.safetensors"),
        StageRecord.Export => Gguf(paths.Gguf),
        StageRecord.Evaluate => Evaluation(paths.Eval),
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, "train, merge, export or evaluate"),
    };

    /// <summary>A folder holding a JSON file and a safetensors file, both readable.</summary>
    static string? Folder(string folder, string json, string tensors)
    {
        if (!Directory.Exists(folder)) return $"{folder} is missing";
        return Json(Path.Combine(folder, json)) ?? Tensors(Path.Combine(folder, tensors));
    }

    /// <summary>A GGUF file: its magic and version (the tensor data is not read).</summary>
    static string? Gguf(string path)
    {
        if (!File.Exists(path)) return $"{path} is missing";
        try
        {
            using var stream = File.OpenRead(path);
            var head = new byte[8];
            return stream.Read(head, 0, 8) == 8 && BitConverter.ToUInt32(head, 0) == Export.Gguf.GgufWriter.Magic
                && BitConverter.ToUInt32(head, 4) == Export.Gguf.GgufWriter.Version ? null : $"{path} is not a GGUF v3 file";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{path} does not read: {e.Message}";
        }
    }

    static string? Evaluation(string path)
    {
        if (Json(path) is { } problem) return problem;
        var json = JsonNode.Parse(File.ReadAllText(path));
        return json?["tuned"] is JsonObject && json["rows"] is JsonValue ? null : $"{path} lacks the tuned model's metrics or the row count";
    }

    static string? Json(string path)
    {
        if (!File.Exists(path)) return $"{path} is missing";
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) is JsonObject ? null : $"{path} is not a JSON object";
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return $"{path} does not read: {e.Message}";
        }
    }

    static string? Tensors(string path)
    {
        if (!File.Exists(path)) return $"{path} is missing";
        try
        {
            using var file = SafetensorsFile.Open(path);
            return null;
        }
        catch (Exception e) when (e is SafetensorsFormatException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return $"{path} does not read: {e.Message}";
        }
    }
}
