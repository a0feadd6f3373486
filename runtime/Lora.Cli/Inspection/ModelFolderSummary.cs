using Lora.Cli.Loading;
using Lora.Runtime.Models;
using Lora.Runtime.Safetensors;
using Lora.Runtime.Tokenization;

namespace Lora.Cli.Inspection;

/// <summary>What <c>lora inspect</c> says about a Hugging Face model folder; reads headers and configs only, no weights.</summary>
public static class ModelFolderSummary
{
    public const string ConfigFileName = "config.json";

    public static void Write(string folder, TextWriter output)
    {
        var config = ModelConfig.Load(Path.Combine(folder, ConfigFileName));
        using var checkpoint = CheckpointFiles.Open(folder);
        var entries = checkpoint.TensorNames.Select(n => checkpoint.Get(n).Entry).ToList();

        var table = new SummaryTable()
            .Add("model folder", folder)
            .Add("model_type", config.ModelType)
            .Add("layers", config.NumLayers)
            .Add("hidden", config.HiddenSize)
            .Add("heads", $"{config.NumHeads} (kv heads {config.NumKeyValueHeads}, head_dim {config.HeadDim})")
            .Add("intermediate", config.IntermediateSize)
            .Add("vocab", config.VocabSize)
            .Add("max positions", config.MaxPositions)
            .Add("tied embeddings", config.TieWordEmbeddings ? "yes" : "no")
            .Add("special ids", SpecialIds(config))
            .Add("parameters", SummaryTable.Count(entries.Sum(e => e.ElementCount)))
            .Add("dtypes", DTypes(entries))
            .Add("weights", checkpoint.IndexPath is null
                ? $"1 file ({CheckpointFiles.SingleFileName}), {entries.Count} tensors"
                : $"{checkpoint.ShardPaths.Count} shards ({CheckpointFiles.IndexFileName}), {entries.Count} tensors")
            .Add("tokenizer", Tokenizer(folder));
        table.WriteTo(output);
    }

    private static string SpecialIds(ModelConfig config) =>
        $"bos {config.BosTokenId?.ToString() ?? "none"}, eos {(config.EosTokenIds.Count == 0 ? "none" : string.Join("/", config.EosTokenIds))}, pad {config.PadTokenId?.ToString() ?? "none"}";

    /// <summary>"F32 (28 tensors)" or "BF16 (290 tensors), F32 (2 tensors)": most common first.</summary>
    public static string DTypes(IEnumerable<TensorEntry> entries) =>
        string.Join(", ", entries.GroupBy(e => e.DType)
            .OrderByDescending(g => g.Count())
            .Select(g => $"{g.Key.ToHeaderName()} ({g.Count()} tensor{(g.Count() == 1 ? "" : "s")})"));

    // A broken tokenizer does not stop the summary: inspect is how a user finds out what is wrong.
    private static string Tokenizer(string folder)
    {
        try
        {
            return ModelTokenizer.LoadIfPresent(folder) is { } t
                ? $"{t.Kind}, {SummaryTable.Count(t.VocabSize)} ids, bos {t.BosId?.ToString() ?? "none"}, eos {t.EosId?.ToString() ?? "none"}"
                : "none";
        }
        catch (TokenizerLoadException e)
        {
            return $"unreadable: {e.Message}";
        }
    }
}
