using System.Text.Json.Nodes;

namespace Lora.Sdk.Tests.Infrastructure;

/// <summary>
/// A base model that trains on text in seconds: the tiny-llama fixture (vocabulary 512) with a byte-level BPE
/// tokenizer.json cut to fit it — GPT-2's 256 byte tokens plus its first 200 merges (ids below 456) and an
/// end-of-text token 456, taken from the runtime tests' GPT-2 tokenizer.json (a prefix of GPT-2's merge list is a
/// consistent smaller GPT-2; see that file's README).
/// </summary>
public static class TinyModel
{
    const int Merges = 200;

    public static string Create(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(RepoPaths.Fixture("tiny-llama", "base")))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)), overwrite: true);

        var source = RepoPaths.InRepo("tests", "Lora.Runtime.Tests", "TestData", "tokenizers", "gpt2-10k-tokenizer-json", "tokenizer.json");
        var tokenizer = JsonNode.Parse(File.ReadAllText(source))!;
        var model = tokenizer["model"]!;
        var vocab = new JsonObject();
        foreach (var (token, id) in model["vocab"]!.AsObject())
            if (id!.GetValue<int>() < 256 + Merges) vocab[token] = id.GetValue<int>();
        model["vocab"] = vocab;
        model["merges"] = new JsonArray(model["merges"]!.AsArray().Take(Merges).Select(m => m!.DeepClone()).ToArray());
        tokenizer["added_tokens"]![0]!["id"] = 256 + Merges;
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), tokenizer.ToJsonString());
        return folder;
    }
}
