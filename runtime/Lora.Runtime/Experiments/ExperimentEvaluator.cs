using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lora.Runtime.Data;
using Lora.Runtime.Evaluation;
using Lora.Runtime.Generation;
using Lora.Runtime.IO;
using Lora.Runtime.Models;
using Lora.Runtime.Native;
using Lora.Runtime.Peft;
using Lora.Runtime.Tensors;
using Lora.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Lora.Runtime.Experiments;

/// <summary>Scores the base model and the tuned model side by side on the eval split; writes eval.json and report.md.</summary>
public static class ExperimentEvaluator
{
    /// <remarks>On the runner's device (<see cref="Devices.Resolve"/>): on the CPU the models are scored in float32; on a GPU in
    /// the run's compute type, as they trained (a 7B model in float32 would need four bytes a weight there).</remarks>
    public static Lora.EvaluationResult Evaluate(Lora.ExperimentConfig config, Lora.TrainResult training, ExperimentPaths paths, CancellationToken cancellationToken,
        string device = "cpu")
    {
        var on = Devices.Resolve(device, out _);
        using var data = LoadedExperiment.Load(config, paths.Root);
        var metrics = config.Evaluation?.Metrics ?? [Lora.Metric.Perplexity];
        using var model = ModelLoader.Load(data.BaseFolder, on.type == DeviceType.CPU ? ScalarType.Float32 : ExperimentRunner.ComputeDType(config, on),
            ExperimentRunner.Quantization(config), cancellationToken);
        model.to(on);
        var eval = data.Eval.Count > 0 ? data.Eval : data.Train;
        // The multiple-choice questions are read (and checked) before any model is scored: a bad line fails fast.
        var choices = config.Evaluation?.ChoicesPath is { } choicesPath ? MultipleChoiceRows.Read(config.ResolvePath(choicesPath)) : null;

        // The base model is scored before the adapter loads: an adapter that trains biases (Bias = All, LoraOnly) changes
        // the model's own bias values, which disabling the adapter would not undo.
        var (baseScores, basePredictions) = Score(model, config, data, eval, metrics, cancellationToken);
        ScoreChoices(model, data, choices, metrics, baseScores, cancellationToken);
        PeftAdapter.Load(model, training.AdapterDirectory);
        var (tunedScores, tunedPredictions) = Score(model, config, data, eval, metrics, cancellationToken);
        ScoreChoices(model, data, choices, metrics, tunedScores, cancellationToken);

        var json = new JsonObject
        {
            ["experiment"] = config.FullName,
            ["rows"] = eval.Count,
            ["choice_questions"] = choices?.Count,
            ["split"] = data.Eval.Count > 0 ? "eval" : "train (no eval split)",
            ["base"] = ToJson(baseScores),
            ["tuned"] = ToJson(tunedScores),
        };
        Directory.CreateDirectory(paths.Root);
        AtomicFolder.WriteText(paths.Eval, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        var predictions = basePredictions.Zip(tunedPredictions, (b, t) => new PredictedRow(t.Where, t.Prompt, t.Reference, b.Text, t.Text)).ToList();
        WritePredictions(paths, predictions);
        ExperimentReport.Write(paths, config, baseScores, tunedScores, eval.Count, predictions);
        return new Lora.EvaluationResult(tunedScores.Where(kv => Enum.TryParse<Lora.Metric>(kv.Key, out _)).ToDictionary(kv => Enum.Parse<Lora.Metric>(kv.Key), kv => kv.Value), eval.Count);
    }

    /// <summary>The base and tuned scores of the last evaluation, read back from eval.json (a metric not scored is absent); null when there is none.</summary>
    public static (Dictionary<string, double> Base, Dictionary<string, double> Tuned)? RecordedScores(ExperimentPaths paths)
    {
        if (!File.Exists(paths.Eval)) return null;
        var json = JsonNode.Parse(File.ReadAllText(paths.Eval));
        static Dictionary<string, double> Scores(JsonNode? node) => (node as JsonObject ?? [])
            .Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<double>());
        return (Scores(json?["base"]), Scores(json?["tuned"]));
    }

    /// <summary>The tuned model's metrics of the last evaluation, read back from eval.json; null when there is none.</summary>
    public static Lora.EvaluationResult? Recorded(ExperimentPaths paths)
    {
        if (!File.Exists(paths.Eval)) return null;
        var json = JsonNode.Parse(File.ReadAllText(paths.Eval))!;
        var metrics = new Dictionary<Lora.Metric, double>();
        foreach (var (key, value) in json["tuned"]!.AsObject())
            if (Enum.TryParse<Lora.Metric>(key, out var metric) && value is not null) metrics[metric] = value.GetValue<double>();
        return new Lora.EvaluationResult(metrics, json["rows"]!.GetValue<int>());
    }

    /// <summary>Mean token loss over examples (labels as in training), in eval mode without gradients.</summary>
    public static double MeanLoss(CausalLanguageModel model, IReadOnlyList<TokenizedExample> examples, int batchSize, int padId, Device? device = null)
    {
        model.eval();
        using var _ = no_grad();
        double total = 0;
        long tokens = 0;
        foreach (var chunk in examples.Chunk(Math.Max(1, batchSize)))
        {
            using var scope = NewDisposeScope();
            var batch = BatchCollator.Collate(chunk, padId, device);
            long count = chunk.Sum(e => (long)e.TrainableTokens);
            if (count == 0) continue;   // a batch with nothing to score would add NaN × 0
            // model.Loss without gradients works through the vocabulary in chunks: no full float32 logits.
            total += model.Loss(batch.InputIds, batch.Labels, batch.AttentionMask, batch.ScoredPositions).item<float>() * count;
            tokens += count;
        }
        return tokens == 0 ? double.NaN : total / tokens;
    }

    /// <summary>
    /// predictions.jsonl: for each eval row a generative metric scored, where it came from, the prompt the model was given
    /// (a chat row's conversation with the generation prompt), the reference completion and what the base and the tuned model generated, so a metric can be read against the texts behind it. None without such a metric.
    /// </summary>
    static void WritePredictions(ExperimentPaths paths, IReadOnlyList<PredictedRow> predictions)
    {
        if (predictions.Count == 0)
        {
            if (File.Exists(paths.Predictions)) File.Delete(paths.Predictions);
            return;
        }
        var lines = predictions.Select(p => new JsonObject
        {
            ["row"] = p.Where, ["prompt"] = p.Prompt, ["reference"] = p.Reference, ["base"] = p.Base, ["tuned"] = p.Tuned,
        }.ToJsonString());
        AtomicFolder.WriteText(paths.Predictions, string.Join("\n", lines) + "\n");
    }

    /// <summary>One generated completion: the row's place (file:line), the prompt, the reference and the generated text.</summary>
    sealed record Prediction(string Where, string Prompt, string Reference, string Text);

    static (Dictionary<string, double> Scores, List<Prediction> Predictions) Score(CausalLanguageModel model, Lora.ExperimentConfig config, LoadedExperiment data,
        ExampleSet eval, IReadOnlyList<Lora.Metric> metrics, CancellationToken cancellationToken)
    {
        var scores = new Dictionary<string, double>();
        var predictions = new List<Prediction>();
        double loss = MeanLoss(model, eval, config.Training.EvalBatchSize, data.PadId, model.Device);
        scores[nameof(Lora.Metric.EvalLoss)] = loss;
        scores[nameof(Lora.Metric.Perplexity)] = TextMetrics.Perplexity(loss);

        var generative = metrics.Where(m => m is Lora.Metric.Accuracy or Lora.Metric.ExactMatch or Lora.Metric.MacroF1 or Lora.Metric.RougeL).ToList();
        if (generative.Count == 0 || data.Tokenizer is null) return (scores, predictions);
        var predicted = new List<string>();
        var reference = new List<string>();
        var clock = Stopwatch.StartNew();
        long generatedTokens = 0;
        int maxNew = (config.Evaluation ?? throw new ArgumentException($"{config.FullName}: generative metrics need [Evaluate] settings.")).MaxNewTokens;
        // Each row's JSON is read again from its line (the loaded data keeps none): an eval split of any size in bounded memory.
        for (int i = 0; i < eval.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var row = eval.Row(i);
            if (data.Builder.PromptAndCompletion(row) is not { } pair) continue;
            var promptIds = data.Builder.EncodePrompt(pair.Prompt).Select(i => (long)i).ToArray();
            // A chat reply also ends at the template's end-of-turn token, which is not always the model's EOS.
            var sampling = new SamplingOptions { MaxNewTokens = maxNew, EosTokenIds = data.Builder.Chat?.GenerationStops(model.Config.EosTokenIds) };
            using var output = TextGenerator.Generate(model, tensor(promptIds).unsqueeze(0), null, sampling).cpu();
            var newIds = output[0].data<long>().ToArray()[promptIds.Length..].Select(i => (int)i).ToList();
            generatedTokens += newIds.Count;
            var text = data.Tokenizer.Decode(newIds);
            predicted.Add(data.Builder.Chat?.CutAtEndOfTurn(text) ?? text);
            reference.Add(pair.Completion);
            predictions.Add(new Prediction(row.Where, pair.Prompt, pair.Completion, predicted[^1]));
        }
        if (predicted.Count == 0) return (scores, predictions);
        scores["MsPerGeneratedToken"] = clock.Elapsed.TotalMilliseconds / Math.Max(1, generatedTokens);
        foreach (var m in generative)
            scores[m.ToString()] = m switch
            {
                Lora.Metric.Accuracy => TextMetrics.Accuracy(predicted, reference),
                Lora.Metric.ExactMatch => TextMetrics.ExactMatch(predicted, reference),
                Lora.Metric.MacroF1 => TextMetrics.MacroF1(predicted, reference),
                _ => TextMetrics.RougeL(predicted, reference),
            };
        return (scores, predictions);
    }

    /// <summary>The multiple-choice metrics asked for, on the questions of ChoicesPath (<see cref="MultipleChoiceScorer"/>).</summary>
    static void ScoreChoices(CausalLanguageModel model, LoadedExperiment data, IReadOnlyList<(string Where, Lora.MultipleChoiceRow Row)>? choices,
        IReadOnlyList<Lora.Metric> metrics, Dictionary<string, double> scores, CancellationToken cancellationToken)
    {
        if (choices is null || !metrics.Any(m => m is Lora.Metric.ChoiceAccuracy or Lora.Metric.ChoiceAccuracyNorm)) return;
        var tokenizer = data.Tokenizer ?? throw new InvalidOperationException(
            $"{data.BaseFolder}: the multiple-choice metrics encode their questions with the base model's tokenizer, and its folder has none.");
        var scored = MultipleChoiceScorer.Score(model, tokenizer, choices.Select(c => c.Row).ToList(), cancellationToken);
        if (metrics.Contains(Lora.Metric.ChoiceAccuracy)) scores[nameof(Lora.Metric.ChoiceAccuracy)] = MultipleChoiceScorer.Accuracy(scored);
        if (metrics.Contains(Lora.Metric.ChoiceAccuracyNorm)) scores[nameof(Lora.Metric.ChoiceAccuracyNorm)] = MultipleChoiceScorer.AccuracyNorm(scored);
    }

    static JsonObject ToJson(Dictionary<string, double> scores)
    {
        var o = new JsonObject();
        foreach (var (k, v) in scores.OrderBy(kv => kv.Key)) o[k] = double.IsFinite(v) ? Math.Round(v, 6) : null;
        return o;
    }
}
