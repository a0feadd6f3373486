using Lora.Runtime.Data;
using Lora.Runtime.Models;
using Lora.Runtime.Tokenization;

namespace Lora.Runtime.Experiments;

/// <summary>An experiment's base model (folder, and cache snapshot when named by id), tokenizer and dataset, tokenized and split.</summary>
public sealed record LoadedExperiment(
    BaseModelLocation BaseModel, ModelTokenizer? Tokenizer, ExampleBuilder Builder,
    IReadOnlyList<(JsonlRow Row, TokenizedExample Example)> Train, IReadOnlyList<(JsonlRow Row, TokenizedExample Example)> Eval)
{
    public static LoadedExperiment Load(Lora.ExperimentConfig config)
    {
        var baseModel = BaseModelLocator.Locate(config);
        var baseFolder = baseModel.Folder;
        var tokenizer = ModelTokenizer.LoadIfPresent(baseFolder);
        // One date for the run: a template's strftime_now must render every row, and a resumed run's, the same.
        var chat = config.Dataset.Format == Lora.DatasetFormat.Chat && tokenizer is not null ? ChatFormat.Load(baseFolder, tokenizer, DateTime.Today) : null;
        var builder = new ExampleBuilder(tokenizer, config.Dataset, chat);
        // The model's own vocabulary bounds every id: a tokenizer may have added tokens the embedding has no row for.
        string configPath = Path.Combine(baseFolder, "config.json");
        int vocab = ModelConfig.Load(configPath).VocabSize;
        (JsonlRow, TokenizedExample) Build(JsonlRow row)
        {
            var example = builder.Build(row);
            if (example.InputIds.FirstOrDefault(id => id >= vocab) is var beyond && beyond >= vocab)
                throw new DatasetException($"{row.Where}: token id {beyond} is beyond the model's vocabulary (vocab_size {vocab} in {configPath})" +
                    (tokenizer is not null && tokenizer.VocabSize > vocab ? $"; the tokenizer has {tokenizer.VocabSize} ids, more than the model has embeddings for." : "."));
            return (row, example);
        }
        var rows = JsonlReader.Read(config.ResolvePath(config.Dataset.Path)).Select(Build).ToList();
        if (config.Dataset.EvalPath is { } evalPath)
        {
            var eval = JsonlReader.Read(config.ResolvePath(evalPath)).Select(Build).ToList();
            return new LoadedExperiment(baseModel, tokenizer, builder, rows, eval);
        }
        var (trainRows, evalRows) = DatasetSplit.Split(rows, config.Dataset.EvalFraction, config.Dataset.Shuffle, config.Training.Seed);
        return new LoadedExperiment(baseModel, tokenizer, builder, trainRows, evalRows);
    }

    /// <summary>The base model's folder.</summary>
    public string BaseFolder => BaseModel.Folder;

    public int PadId => Tokenizer?.PadId ?? Tokenizer?.EosId ?? 0;
}
