using System.Text.Json.Nodes;
using Lora.HubTesting;
using Lora.Runtime.Tests.Cli;

namespace Lora.Runtime.Tests.Contract;

/// <summary>
/// The project folder the contract test compiles in: two small Llamas with a byte-level tokenizer (the second with another
/// RoPE base), both also in a Hugging Face cache under hub/ as the model id org/model (the first at main, the second at
/// v2, in Python's layout), a PEFT adapter of the first to start from, Alpaca rows that also carry text fields, typed rows,
/// and a second file and an eval file of each.
/// </summary>
internal static class ContractProject
{
    static readonly string[] Names = ["Ann", "Bob", "Cid", "Dee", "Eve", "Fay", "Gus", "Hal"];

    public static void WriteTo(TempFolder folder)
    {
        Model(folder, "model", ropeTheta: 10000);
        Model(folder, "model2", ropeTheta: 500000);
        PythonLayoutCache.Write(HubCache(folder), "org/model", "main", new string('1', 40), LoopbackHub.FilesOf(folder.Child("model")));
        PythonLayoutCache.Write(HubCache(folder), "org/model", "v2", new string('2', 40), LoopbackHub.FilesOf(folder.Child("model2")));
        folder.CopyOf(RepoPaths.Fixture("tiny-llama", "adapter"), "init-adapter");

        folder.WriteText("train.jsonl", Rows(Names, n => Alpaca($"greet {n}", $"hello {n}, we wave", $"hello {n}, we wave back", $"we write to {n} today")));
        folder.WriteText("train2.jsonl", Rows(Names, n => Alpaca($"thank {n}", $"thanks {n}, we nod", $"thanks {n}, we nod twice", $"we thank {n} twice")));
        folder.WriteText("eval.jsonl", Rows(["Ivy", "Jon"], n => Alpaca($"greet {n}", $"hello {n}, we wave", $"hello {n}, we wave back", $"we write to {n} today")));
        folder.WriteText("typed.jsonl", Rows(Names, n => Typed($"who waves to {n}", $"we wave to {n}")));
        folder.WriteText("typed2.jsonl", Rows(Names, n => Typed($"who thanks {n}", $"we thank {n}")));
        folder.WriteText("typed-eval.jsonl", Rows(["Ivy", "Jon"], n => Typed($"who waves to {n}", $"we wave to {n}")));
        // Multiple-choice questions for [Evaluate(ChoicesPath = ...)].
        folder.WriteText("questions.jsonl", string.Concat(new[] { "Ivy", "Jon" }.Select(n =>
            new System.Text.Json.Nodes.JsonObject { ["question"] = $"greet {n}:", ["choices"] = new System.Text.Json.Nodes.JsonArray("hello", "we wave back"), ["answer"] = 1 }.ToJsonString() + "\n")));
    }

    /// <summary>The Hugging Face cache of the project's model id org/model.</summary>
    public static string HubCache(TempFolder folder) => folder.Child("hub");

    /// <summary>The tiny-llama fixture with the byte-level tokenizer and room for 512 positions (Llama has no position weights).</summary>
    static void Model(TempFolder folder, string name, double ropeTheta)
    {
        var path = folder.CopyOf(RepoPaths.Fixture("tiny-llama", "base"), name);
        SmallByteLevelTokenizer.WriteTo(path);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(path, "config.json")))!.AsObject();
        config["max_position_embeddings"] = 512;
        config["rope_parameters"] = new JsonObject { ["rope_theta"] = ropeTheta, ["rope_type"] = "default" };
        File.WriteAllText(Path.Combine(path, "config.json"), config.ToJsonString());
    }

    static JsonObject Alpaca(string instruction, string output, string text, string body) => new()
    {
        ["instruction"] = instruction, ["input"] = "", ["output"] = output, ["text"] = text, ["body"] = body,
    };

    static JsonObject Typed(string question, string answer) => new() { ["Question"] = question, ["Answer"] = answer };

    static string Rows(IEnumerable<string> names, Func<string, JsonObject> row) => string.Join("\n", names.Select(n => row(n).ToJsonString())) + "\n";
}
