using Lora.Runtime.IO;
using Lora.Runtime.Models;
using Lora.Runtime.Tokenization;
using static TorchSharp.torch;

namespace Lora.Runtime.Export.Gguf;

/// <summary>
/// Writes a model (merged, or a base alone) as one GGUF file for llama.cpp, Ollama and LM Studio: the family's architecture
/// and hyperparameters (<see cref="GgufArchitecture"/>), the tokenizer (<see cref="GgufVocabulary"/>), the chat template,
/// and every weight, matrices in the chosen type. Written atomically.
/// </summary>
public static class GgufExporter
{
    /// <param name="model">The model whose base weights are written (4-bit layers dequantized).</param>
    /// <param name="modelFolder">The folder its tokenizer and chat template are read from.</param>
    /// <param name="outputPath">The .gguf file to write, replaced whole.</param>
    /// <param name="type">The matrices' element type.</param>
    /// <param name="chatTemplate">The chat template to record; null reads the folder's.</param>
    /// <exception cref="GgufExportException">The family, a setting or the tokenizer cannot be written for llama.cpp.</exception>
    public static void Export(CausalLanguageModel model, string modelFolder, string outputPath, GgufType type, string? chatTemplate = null)
    {
        var architecture = GgufArchitecture.For(model.Config);
        var tokenizer = ModelTokenizer.LoadIfPresent(modelFolder)
            ?? throw new GgufExportException($"{modelFolder}: no tokenizer (vocab.json with merges.txt, tokenizer.json or tokenizer.model); a GGUF carries its vocabulary, llama.cpp cannot run without one.");
        var vocabulary = GgufVocabulary.Read(modelFolder, tokenizer, model.Config.VocabSize);

        var metadata = new GgufMetadata()
            .Add("general.architecture", architecture.Name)
            .Add("general.type", "model")
            .Add("general.name", Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(modelFolder))))
            .Add("general.file_type", GgmlTypes.FileType(type))
            .Add(GgufWriter.AlignmentKey, GgufWriter.DefaultAlignment);
        if (type == GgufType.Q8_0) metadata.Add("general.quantization_version", 2u);
        architecture.AddHyperparameters(metadata);
        vocabulary.AddTo(metadata, tokenizer, chatTemplate ?? ChatTemplateText.Read(modelFolder));

        var weights = Weights(model).ToList();
        var tensors = new List<GgufTensor>();
        foreach (var (key, shape) in weights)
        {
            var name = architecture.TensorName(key);
            tensors.Add(Tensor(name, architecture.LayoutShape(key, shape), type, () => architecture.Layout(key, Weight(model, key))));
            if (key == EmbeddingKey(model) && model.Config.TieWordEmbeddings && architecture.WritesTiedOutput)
                tensors.Add(Tensor("output.weight", shape, type, () => Weight(model, key)));
        }
        foreach (var (name, value) in architecture.ExtraTensors())
            tensors.Add(Tensor(name, value.shape, GgufType.F32, () => value));

        AtomicFile.Write(outputPath, stream => GgufWriter.Write(stream, metadata, tensors));
    }

    static GgufTensor Tensor(string name, IReadOnlyList<long> shape, GgufType type, Func<Tensor> value)
    {
        var ggmlType = GgufTensorEncoder.TypeFor(shape, type);
        return new GgufTensor(name, shape.Reverse().ToArray(), ggmlType, () =>
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            return GgufTensorEncoder.Encode(value(), ggmlType);
        });
    }

    static string EmbeddingKey(CausalLanguageModel model) => model.Config.IsGpt2 ? "transformer.wte.weight" : "model.embed_tokens.weight";

    /// <summary>Every base weight's checkpoint key and shape, a tied head left out (llama.cpp reuses the embedding).</summary>
    static IEnumerable<(string Key, long[] Shape)> Weights(CausalLanguageModel model) =>
        model.BaseParameters().Where(p => !model.IsIgnorableCheckpointKey(p.Key))
            .Select(p => (p.Key, FullShape(model, p.Key, p.Value)));

    static long[] FullShape(CausalLanguageModel model, string key, Tensor parameter) =>
        FourBit(model, key) is { } m ? m.FullWeight(ScalarType.Float32).shape : parameter.shape;

    static Quantization.QuantizableModule? FourBit(CausalLanguageModel model, string key) =>
        key.EndsWith(".weight") && model.QuantizableModules().FirstOrDefault(m => m.Name + ".weight" == key) is { Module.Quantized: not null } q ? q.Module : null;

    /// <summary>The weight in float32; a 4-bit one dequantized.</summary>
    static Tensor Weight(CausalLanguageModel model, string key) =>
        FourBit(model, key) is { } m ? m.FullWeight(ScalarType.Float32) : model.BaseParameters().First(p => p.Key == key).Value.to_type(ScalarType.Float32);
}
