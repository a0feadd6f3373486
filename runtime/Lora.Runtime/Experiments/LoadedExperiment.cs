using Lora.Runtime.Data;
using Lora.Runtime.Models;
using Lora.Runtime.Tokenization;

namespace Lora.Runtime.Experiments;

/// <summary>
/// An experiment's base model (folder, and cache snapshot when named by id), tokenizer and dataset, tokenized and split. No row's JSON stays in memory, nor its
/// tokens: each row is tokenized as it is read, its tokens go to <see cref="Tokens"/> (a temporary file, removed at
/// dispose) and only a small <see cref="StoredRow"/> per row is kept, so memory does not grow with the dataset's text.
/// </summary>
public sealed record LoadedExperiment(BaseModelLocation BaseModel, ModelTokenizer? Tokenizer, ExampleBuilder Builder, ExampleSet Train, ExampleSet Eval, TokenStore Tokens)
    : IDisposable
{
    /// <param name="config">The experiment.</param>
    /// <param name="workFolder">Where the token store's file goes: the experiment's artifacts folder (on the disk that has room
    /// for its outputs); the system's temporary folder when null.</param>
    public static LoadedExperiment Load(Lora.ExperimentConfig config, string? workFolder = null)
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
        string[] files = config.Dataset.EvalPath is { } evalPath
            ? [config.ResolvePath(config.Dataset.Path), config.ResolvePath(evalPath)]
            : [config.ResolvePath(config.Dataset.Path)];
        var store = TokenStore.Create(workFolder ?? Path.GetTempPath(), files);
        try
        {
            StoredRow Build(int file, JsonlRow row, long lineOffset)
            {
                var example = builder.Build(row);
                if (example.InputIds.FirstOrDefault(id => id >= vocab) is var beyond && beyond >= vocab)
                    throw new DatasetException($"{row.Where}: token id {beyond} is beyond the model's vocabulary (vocab_size {vocab} in {configPath})" +
                        (tokenizer is not null && tokenizer.VocabSize > vocab ? $"; the tokenizer has {tokenizer.VocabSize} ids, more than the model has embeddings for." : "."),
                        row.File, row.Line);
                return new StoredRow(store.Append(new RowOrigin(file, row.Line, lineOffset), example), example.InputIds.Length, example.TrainableTokens);
            }
            List<StoredRow> Rows(int file)
            {
                var stored = new List<StoredRow>();
                foreach (var (row, offset) in JsonlReader.Stream(files[file])) stored.Add(Build(file, row, offset));
                stored.TrimExcess();   // kept as it is with an eval file: no spare capacity
                return stored;
            }
            var rows = Rows(0);
            if (files.Length > 1)
                return new LoadedExperiment(baseModel, tokenizer, builder, new ExampleSet(store, rows), new ExampleSet(store, Rows(1)), store);
            var (trainRows, evalRows) = DatasetSplit.Split(rows, config.Dataset.EvalFraction, config.Dataset.Shuffle, config.Training.Seed);
            return new LoadedExperiment(baseModel, tokenizer, builder, new ExampleSet(store, trainRows), new ExampleSet(store, evalRows), store);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>The base model's folder.</summary>
    public string BaseFolder => BaseModel.Folder;

    public int PadId => Tokenizer?.PadId ?? Tokenizer?.EosId ?? 0;

    public void Dispose() => Tokens.Dispose();
}
