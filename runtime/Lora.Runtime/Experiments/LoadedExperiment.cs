using Lora.Runtime.Data;
using Lora.Runtime.Models;
using Lora.Runtime.Tokenization;

namespace Lora.Runtime.Experiments;

/// <summary>An experiment's base model folder, tokenizer and dataset, tokenized and split.</summary>
public sealed record LoadedExperiment(
    string BaseFolder, ModelTokenizer? Tokenizer, ExampleBuilder Builder,
    IReadOnlyList<(JsonlRow Row, TokenizedExample Example)> Train, IReadOnlyList<(JsonlRow Row, TokenizedExample Example)> Eval)
{
    public static LoadedExperiment Load(Lora.ExperimentConfig config)
    {
        var baseFolder = BaseModelLocator.Resolve(config);
        var tokenizer = ModelTokenizer.LoadIfPresent(baseFolder);
        var builder = new ExampleBuilder(tokenizer, config.Dataset);
        var rows = JsonlReader.Read(config.ResolvePath(config.Dataset.Path)).Select(r => (r, builder.Build(r))).ToList();
        if (config.Dataset.EvalPath is { } evalPath)
        {
            var eval = JsonlReader.Read(config.ResolvePath(evalPath)).Select(r => (r, builder.Build(r))).ToList();
            return new LoadedExperiment(baseFolder, tokenizer, builder, rows, eval);
        }
        var (trainRows, evalRows) = DatasetSplit.Split(rows, config.Dataset.EvalFraction, config.Dataset.Shuffle, config.Training.Seed);
        return new LoadedExperiment(baseFolder, tokenizer, builder, trainRows, evalRows);
    }

    public int PadId => Tokenizer?.PadId ?? Tokenizer?.EosId ?? 0;
}
