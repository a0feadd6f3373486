using System.Text.Json.Nodes;
using Lora.Runtime.Data;

namespace Lora.Runtime.Interop;

/// <summary>
/// An experiment's dataset in the shape its Axolotl prompt strategy reads (<see cref="AxolotlConfig"/>'s <c>type</c>): Alpaca
/// rows keep instruction, input and output (Axolotl's alpaca type writes the same Stanford prompt); chat rows keep their
/// messages (chat_template); prompt/completion rows are rendered with the experiment's templates into prompt and completion
/// (a user-defined type that puts the prompt as it is and trains on what follows); text rows keep their text (completion).
/// </summary>
public static class AxolotlDataset
{
    public const string PromptField = "prompt", CompletionField = "completion", TextField = "text";

    /// <summary>Writes the rows of <paramref name="source"/> to <paramref name="target"/>; returns how many.</summary>
    public static int Write(Lora.ExperimentConfig config, string source, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        using var writer = new StreamWriter(target);
        int rows = 0;
        foreach (var (row, _) in JsonlReader.Stream(source))
        {
            writer.WriteLine(Convert(config.Dataset, row).ToJsonString());
            rows++;
        }
        return rows;
    }

    static JsonObject Convert(Lora.DatasetSettings dataset, JsonlRow row) => dataset switch
    {
        { Format: Lora.DatasetFormat.Alpaca } => new JsonObject
        {
            ["instruction"] = row.Text("instruction"), ["input"] = row.Text("input", required: false), ["output"] = row.Text("output"),
        },
        { Format: Lora.DatasetFormat.Chat } => new JsonObject
        {
            ["messages"] = (row.Value["messages"] ?? throw new DatasetException($"{row.Where}: a chat row needs 'messages'.")).DeepClone(),
        },
        { Format: Lora.DatasetFormat.Jsonl, Prompt: { } prompt } => new JsonObject
        {
            [PromptField] = PromptTemplates.Fill(prompt, row), [CompletionField] = PromptTemplates.Fill(dataset.Completion ?? "", row),
        },
        _ => new JsonObject { [TextField] = row.Text(dataset.TextField ?? "text") },
    };
}
