using System.Text.Json.Nodes;
using Lora.Runtime.Data;

namespace Lora.Runtime.Tests.Data;

/// <summary>Dataset rows and settings for the example-building tests.</summary>
internal static class DataRows
{
    public const long Ignore = ExampleBuilder.Ignore;

    /// <summary>GPT-2's "&lt;|endoftext|&gt;": its BOS and its EOS.</summary>
    public const int EndOfText = 50256;

    public static JsonlRow Row(string json, int line = 7, string file = "train.jsonl") => new(file, line, JsonNode.Parse(json)!.AsObject());

    public static Lora.DatasetSettings Settings(Lora.DatasetFormat format, string? prompt = null, string? completion = null, string? textField = null,
        int maxLength = 512, bool trainOnInputs = false, bool addEos = true) =>
        new("train.jsonl", format, textField, RowType: null, prompt, completion, EvalFraction: 0.1, Shuffle: true, maxLength,
            EvalPath: null, trainOnInputs, addEos);
}
