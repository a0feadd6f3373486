using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using Lora.Runtime.Data;
using Lora.Runtime.Experiments;
using Lora.Runtime.Tokenization;
using Xunit.Abstractions;

namespace Lora.Runtime.Tests.Experiments;

/// <summary>
/// A loaded experiment holds no row's JSON and no row's tokens in memory, only a small index per row, so a dataset's size
/// is bounded by the disk; its split, order, tokens and labels are those of reading every row into memory.
/// </summary>
public sealed class LoadedExperimentTests(ITestOutputHelper output) : IDisposable
{
    readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Question/answer rows on the built-in model's GPT-2 tokenizer: prompt tokens masked, some answers truncated.</summary>
    ExperimentConfig QuestionsConfig(string train, string? eval = null)
    {
        var config = FixtureExperiment.Config(_dir.Path, train);
        return config with
        {
            Model = new BaseModelSettings("lora-tiny-en", IsBuiltIn: true, ModelType: "llama"),
            Dataset = config.Dataset with
            {
                Format = DatasetFormat.Jsonl, Prompt = "Q: {q}\nA:", Completion = " {a}", EvalFraction = 0.2, Shuffle = true, MaxLength = 24, EvalPath = eval,
            },
        };
    }

    string WriteQuestions(string name, int rows, int seed)
    {
        var random = new Random(seed);
        string[] words = ["cat", "dog", "naïve", "über", "sun", "rain", "blue", "seven", "€", "tree"];
        string Words(int count) => string.Join(' ', Enumerable.Range(0, count).Select(_ => words[random.Next(words.Length)]));
        // CRLF breaks and blank lines between rows: the offsets rows are read again at must count every byte.
        var text = new StringBuilder();
        for (int i = 0; i < rows; i++)
        {
            text.Append(new JsonObject { ["q"] = Words(random.Next(1, 5)), ["a"] = Words(random.Next(1, 30)) }.ToJsonString()).Append(i % 3 == 0 ? "\r\n" : "\n");
            if (i % 7 == 0) text.Append('\n');
        }
        return _dir.WriteText(name, text.ToString());
    }

    /// <summary>What loading was before the token store: every row parsed and tokenized into memory, then split.</summary>
    static (IReadOnlyList<(JsonlRow Row, TokenizedExample Example)> Train, IReadOnlyList<(JsonlRow Row, TokenizedExample Example)> Eval) InMemory(
        ExperimentConfig config, string baseFolder)
    {
        var builder = new ExampleBuilder(ModelTokenizer.LoadIfPresent(baseFolder), config.Dataset);
        var rows = JsonlReader.Read(config.Dataset.Path).Select(r => (r, builder.Build(r))).ToList();
        if (config.Dataset.EvalPath is { } evalPath) return (rows, JsonlReader.Read(evalPath).Select(r => (r, builder.Build(r))).ToList());
        return DatasetSplit.Split(rows, config.Dataset.EvalFraction, config.Dataset.Shuffle, config.Training.Seed);
    }

    static void AssertSameRows(IReadOnlyList<(JsonlRow Row, TokenizedExample Example)> expected, ExampleSet actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            var example = actual[i];
            Assert.Equal(expected[i].Example.InputIds, example.InputIds);
            Assert.Equal(expected[i].Example.Labels, example.Labels);
            Assert.Equal(expected[i].Example.Source, example.Source);
            Assert.Equal(expected[i].Row.Where, actual.Where(i));
            Assert.Equal(expected[i].Row.Value.ToJsonString(), actual.Row(i).Value.ToJsonString());
        }
    }

    [Fact]
    public void The_split_its_order_and_every_rows_tokens_and_labels_are_those_of_loading_every_row_into_memory()
    {
        var config = QuestionsConfig(WriteQuestions("train.jsonl", rows: 60, seed: 1));
        using var data = LoadedExperiment.Load(config, _dir.Child("work"));
        var (train, eval) = InMemory(config, data.BaseFolder);

        Assert.Equal((48, 12), (data.Train.Count, data.Eval.Count));
        AssertSameRows(train, data.Train);
        AssertSameRows(eval, data.Eval);
        // The test covers what it claims: masked prompts and truncated answers.
        Assert.Contains(data.Train, e => e.Labels[0] == ExampleBuilder.Ignore);
        Assert.Contains(data.Train, e => e.InputIds.Length == 24);
        Assert.Equal(train.Select(r => r.Example.InputIds.Length), data.Train.Lengths);
        // The labelled positions per row, and the fullest micro-batch of 4 rows: far fewer than its 4 × 24 positions.
        var scored = train.Select(r => r.Example.TrainableTokens).ToList();
        Assert.Equal(scored, data.Train.ScoredCounts);
        Assert.Equal(scored.OrderDescending().Take(4).Sum(), data.Train.MostScored(4));
        Assert.True(data.Train.MostScored(4) < 4 * 23, $"{data.Train.MostScored(4)} labelled positions");
    }

    [Fact]
    public void An_eval_file_gives_its_rows_in_order_from_the_same_store()
    {
        var config = QuestionsConfig(WriteQuestions("train.jsonl", rows: 30, seed: 2), WriteQuestions("eval.jsonl", rows: 9, seed: 3));
        using var data = LoadedExperiment.Load(config, _dir.Child("work"));
        var (train, eval) = InMemory(config, data.BaseFolder);

        AssertSameRows(train, data.Train);
        AssertSameRows(eval, data.Eval);
        Assert.EndsWith("eval.jsonl:1", data.Eval.Where(0));
    }

    [Fact]
    public void Loaded_rows_hold_neither_json_nor_token_arrays_and_the_store_leaves_no_file()
    {
        var config = QuestionsConfig(WriteQuestions("train.jsonl", rows: 20, seed: 4));
        var data = LoadedExperiment.Load(config, _dir.Child("work"));

        var held = Reachable(data.Train).Concat(Reachable(data.Eval)).ToList();
        Assert.Contains(held, o => o is StoredRow);   // the walk reaches the rows' index
        Assert.DoesNotContain(held, o => o is JsonNode or JsonlRow or TokenizedExample || o is int[] { Length: > 0 } or long[] { Length: > 0 });
        data.Dispose();
        Assert.Empty(Directory.GetFiles(_dir.Child("work")));
    }

    /// <summary>
    /// 200,000 short rows: once loaded, the managed heap holds their index (16 bytes a row), not their JSON (some 160 bytes a
    /// row as text, and thousands as parsed nodes) nor their tokens.
    /// </summary>
    [Fact]
    public void A_dataset_of_200000_rows_loads_with_memory_bounded_by_a_small_index_per_row()
    {
        const int rows = 200_000, idsPerRow = 32;
        var path = _dir.Child("large.jsonl");
        var random = new Random(6);
        using (var writer = new StreamWriter(path))
            for (int i = 0; i < rows; i++)
                writer.Write("{\"input_ids\": [" + string.Join(", ", Enumerable.Range(0, idsPerRow).Select(_ => random.Next(256))) + "]}\n");
        long fileBytes = new FileInfo(path).Length;
        var config = FixtureExperiment.Config(_dir.Path, path);
        config = config with { Dataset = config.Dataset with { EvalFraction = 0.01, Shuffle = true } };
        // Everything loading needs once (the model's config, the code) is loaded before the measurement.
        using (LoadedExperiment.Load(config with { Dataset = config.Dataset with { Path = _dir.WriteText("small.jsonl", "{\"input_ids\": [1, 2]}\n{\"input_ids\": [3, 4]}\n") } }, _dir.Child("work"))) { }

        long before = GC.GetTotalMemory(forceFullCollection: true);
        using var data = LoadedExperiment.Load(config, _dir.Child("work"));
        long grown = GC.GetTotalMemory(forceFullCollection: true) - before;
        GC.KeepAlive(data);

        output.WriteLine($"{rows} rows, {fileBytes} bytes of JSON: the managed heap grew by {grown} bytes ({(double)grown / rows:F1} a row)");
        Assert.Equal(rows, data.Train.Count + data.Eval.Count);
        // At most twice the index (a list's spare capacity) and the token store's write buffer (1 MiB), rounded up.
        long index = System.Runtime.CompilerServices.Unsafe.SizeOf<StoredRow>() * (long)rows;
        Assert.True(grown <= 2 * index + (2 << 20), $"grew by {grown} bytes, {(double)grown / rows:F1} a row; the index takes {index}");
        Assert.True(grown < fileBytes / 4, $"grew by {grown} bytes; the JSON text is {fileBytes}");
        Assert.Equal(Enumerable.Repeat(idsPerRow, 1000), data.Train.Take(1000).Select(e => e.InputIds.Length));
    }

    /// <summary>Every object reachable from <paramref name="root"/> through fields and array elements.</summary>
    static IEnumerable<object> Reachable(object root)
    {
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<object>([root]);
        while (pending.TryPop(out var o))
        {
            if (!seen.Add(o)) continue;
            yield return o;
            var type = o.GetType();
            if (type.IsPrimitive || o is string || o is Type) continue;
            if (o is Array array)
            {
                if (!type.GetElementType()!.IsPrimitive)
                    foreach (var item in array)
                        if (item is not null) pending.Push(item);
                continue;
            }
            for (var t = type; t is not null; t = t.BaseType)
                foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                    if (!field.FieldType.IsPointer && !field.FieldType.IsPrimitive && field.GetValue(o) is { } value) pending.Push(value);
        }
    }
}
