using System.Text.Json.Nodes;
using Lora.Runtime.Export.Gguf;
using Lora.Runtime.Models;
using Lora.Runtime.Native;
using Lora.Runtime.Tests.Models;
using Lora.Runtime.Tests.Tokenization;
using Lora.Runtime.Tokenization;

namespace Lora.Runtime.Tests.Export;

/// <summary>
/// Each tokenizer kind the export writes, read back by llama.cpp: its tokenizer gives the runtime's ids for the same texts
/// (BOS as the model adds it), so that a prompt typed into llama.cpp or Ollama is the prompt the model was trained on.
/// GPT-2's vocab.json + merges.txt (pre "gpt-2"), a byte-level tokenizer.json (GPT-2's regex) and one with Qwen2's split
/// regex and NFC (pre "qwen2"), and a SentencePiece BPE with byte fallback (llama.cpp's "llama" tokenizer, with scores).
/// </summary>
public class GgufTokenizerTests : IDisposable
{
    readonly TempFolder _temp = new();

    public GgufTokenizerTests() => TorchNative.EnsureLoaded();

    public void Dispose() => _temp.Dispose();

    static readonly string[] Texts =
    [
        "Hello world",
        "The quick brown fox jumps over the lazy dog.",
        "Version 12345 of the licence, section 3(b): \"you may not\" — really?",
        "  leading spaces and\ttabs\nand new lines\n\n",
        "Café naïve coöperate",
    ];

    [Theory]
    [InlineData(TokenizerTestData.Gpt2, "llama")]
    [InlineData(TokenizerTestData.Gpt2TokenizerJson, "llama")]
    [InlineData(TokenizerTestData.Qwen2StyleTokenizerJson, "qwen2")]
    [InlineData(TokenizerTestData.SentencePieceBpe, "llama")]
    public void Llama_cpp_encodes_texts_as_the_runtime_does(string tokenizerName, string modelType)
    {
        var source = TokenizerTestData.Folder(tokenizerName);
        var ours = ModelTokenizer.Load(source);
        var config = SmallModels.LlamaConfig(modelType);
        config["vocab_size"] = ours.VocabSize;
        config["bos_token_id"] = ours.BosId is int bos ? bos : null;
        config["eos_token_id"] = ours.EosId is int eos ? eos : null;
        var folder = SmallModels.SaveRandom(_temp, "model", config);
        foreach (var file in Directory.GetFiles(source).Where(f => !f.EndsWith(".md") && !f.EndsWith(".js") && !f.EndsWith("reference-texts.json")))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        ours = ModelTokenizer.Load(folder);
        using var model = ModelLoader.Load(folder);
        var path = _temp.File("model.gguf");
        GgufExporter.Export(model, folder, path, Lora.GgufType.F16);
        using var llama = new LlamaCppModel(path);
        foreach (var text in Texts)
        {
            var expected = ours.Encode(text, ours.AddsBos);
            var actual = llama.Weights.Tokenize(text, add_bos: true, special: true, System.Text.Encoding.UTF8).Select(t => (int)t).ToList();
            Assert.True(expected.SequenceEqual(actual), $"\"{text}\": runtime [{string.Join(",", expected)}], llama.cpp [{string.Join(",", actual)}]");
        }
    }
}
