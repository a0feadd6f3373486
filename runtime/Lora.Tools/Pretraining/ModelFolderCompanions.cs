using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lora.Runtime.Tokenization;

namespace Lora.Tools.Pretraining;

/// <summary>
/// The files besides the weights that make a pretrained model folder self-contained: GPT-2's vocab.json and
/// merges.txt, tokenizer_config.json and generation_config.json naming "&lt;|endoftext|&gt;" as BOS and EOS.
/// </summary>
public static class ModelFolderCompanions
{
    const string EndOfText = "<|endoftext|>";

    /// <summary>
    /// Writes the companion files into <paramref name="folder"/>, copying the tokenizer files from
    /// <paramref name="tokenizerFolder"/> after checking that they encode <paramref name="sample"/> exactly as
    /// <see cref="ModelTokenizer.Gpt2"/>, the tokenizer the corpus was tokenized with.
    /// </summary>
    public static void Write(string folder, string tokenizerFolder, RecipeArchitecture architecture, string sample)
    {
        var expected = ModelTokenizer.Gpt2().Encode(sample, addBos: false);
        var loaded = ModelTokenizer.Load(tokenizerFolder);
        if (loaded.Kind != "gpt2-bpe" || !loaded.Encode(sample, addBos: false).SequenceEqual(expected))
            throw new PretrainingException($"{tokenizerFolder}: its tokenizer ({loaded.Kind}) does not encode like GPT-2's BPE; pass a folder with GPT-2's vocab.json and merges.txt.");
        Directory.CreateDirectory(folder);
        foreach (var name in new[] { "vocab.json", "merges.txt" })
            File.Copy(Path.Combine(tokenizerFolder, name), Path.Combine(folder, name), overwrite: true);
        WriteJson(Path.Combine(folder, "tokenizer_config.json"), new JsonObject
        {
            ["tokenizer_class"] = "GPT2Tokenizer",
            ["bos_token"] = EndOfText,
            ["eos_token"] = EndOfText,
            ["unk_token"] = EndOfText,
            ["add_bos_token"] = false,
            ["model_max_length"] = architecture.MaxPositionEmbeddings,
        });
        WriteJson(Path.Combine(folder, "generation_config.json"), new JsonObject
        {
            ["bos_token_id"] = architecture.EndOfTextId,
            ["eos_token_id"] = architecture.EndOfTextId,
        });
    }

    static void WriteJson(string path, JsonObject json) =>
        File.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
}
