using Lora.Runtime.Experiments;
using Lora.Runtime.Peft;
using Lora.Runtime.Tensors;
using Lora.Runtime.Tests.Models;
using Lora.Runtime.Tests.Parity;

namespace Lora.Runtime.Tests.Experiments;

public class ExperimentRunnerTests
{
    [Fact]
    public async Task Fixture_run_through_the_runner_matches_the_fixture_final_weights()
    {
        using var dir = new TempFolder();
        var config = FixtureExperiment.Config(dir.Path, FixtureExperiment.WriteDataset(dir));
        var runner = new ExperimentRunner(new RunnerOptions { ArtifactsRoot = dir.Child("artifacts") });
        var reports = new List<TrainingProgress>();
        var result = await runner.TrainAsync(config, new SyncProgress<TrainingProgress>(reports.Add), default);

        Assert.Equal(6, result.Steps);
        Assert.Equal(Enumerable.Range(1, 6), reports.Select(r => r.Step));
        var expected = TensorFiles.ReadAll(Path.Combine(FixtureExperiment.Folder, "expected.safetensors"));
        var adapter = TensorFiles.ReadAll(Path.Combine(result.AdapterDirectory, PeftAdapter.WeightsFileName));
        foreach (var (key, value) in adapter)
            Tolerance.Close(value, expected["final." + key.Replace(".weight", ".default.weight")], Tolerance.Gradients, key);
        Assert.True(File.Exists(dir.Child("artifacts", "train-tiny-llama", "run.json")));
        Assert.False(Directory.Exists(dir.Child("artifacts", "train-tiny-llama", "checkpoints")));
    }

    [Fact]
    public async Task Cancelled_run_resumes_from_its_checkpoint_to_the_same_adapter()
    {
        using var dir = new TempFolder();
        var dataset = FixtureExperiment.WriteDataset(dir);
        var config = FixtureExperiment.Config(dir.Path, dataset, saveSteps: 2);
        var straight = await new ExperimentRunner(new RunnerOptions { ArtifactsRoot = dir.Child("a") }).TrainAsync(config, null, default);

        using var cancel = new CancellationTokenSource();
        var interrupted = new ExperimentRunner(new RunnerOptions { ArtifactsRoot = dir.Child("b") });
        var progress = new SyncProgress<TrainingProgress>(p => { if (p.Step == 3) cancel.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => interrupted.TrainAsync(config, progress, cancel.Token));
        Assert.NotEmpty(Directory.GetDirectories(dir.Child("b", "train-tiny-llama", "checkpoints"), "step-*"));
        Assert.False(Directory.Exists(dir.Child("b", "train-tiny-llama", "adapter")));

        await ResumesToTheSameAdapter(config, dir.Child("b"), straight, "resuming from step-");
    }

    /// <summary>Runs <paramref name="config"/> again in <paramref name="artifacts"/>, which must resume (the log says
    /// <paramref name="resumeLog"/>), and checks that it ends with <paramref name="straight"/>'s adapter within 1e-5.</summary>
    static async Task ResumesToTheSameAdapter(ExperimentConfig config, string artifacts, TrainResult straight, string resumeLog)
    {
        var logs = new List<string>();
        var resumed = await new ExperimentRunner(new RunnerOptions { ArtifactsRoot = artifacts, Log = logs.Add }).TrainAsync(config, null, default);
        Assert.Contains(logs, l => l.Contains(resumeLog));
        var a = TensorFiles.ReadAll(Path.Combine(straight.AdapterDirectory, PeftAdapter.WeightsFileName));
        var b = TensorFiles.ReadAll(Path.Combine(resumed.AdapterDirectory, PeftAdapter.WeightsFileName));
        foreach (var (key, value) in a) Tolerance.Close(b[key], value, 1e-5, key);
    }

    [Fact]
    public async Task Early_stopping_ends_the_run_when_eval_loss_stops_improving()
    {
        using var dir = new TempFolder();
        var config = FixtureExperiment.Config(dir.Path, FixtureExperiment.WriteDataset(dir));
        // Learning rate 0: the eval loss never improves on the first evaluation, so patience 2 stops after step 3 of 6.
        config = config with
        {
            Dataset = config.Dataset with { EvalFraction = 0.25, Shuffle = true },
            Training = config.Training with { LearningRate = 0, EvalSteps = 1, EarlyStoppingPatience = 2 },
        };
        var logs = new List<string>();
        var result = await new ExperimentRunner(new RunnerOptions { ArtifactsRoot = dir.Child("artifacts"), Log = logs.Add }).TrainAsync(config, null, default);
        Assert.Equal(3, result.Steps);
        Assert.Contains(logs, l => l.Contains("early stop after step 3", StringComparison.Ordinal));
        Assert.Equal(3, RunRecord.Losses(ExperimentPaths.For(dir.Child("artifacts"), config)).Count);
    }

    [Fact]
    public async Task Progress_is_reported_once_per_logging_step_with_the_mean_loss_of_its_window()
    {
        using var dir = new TempFolder();
        var config = FixtureExperiment.Config(dir.Path, FixtureExperiment.WriteDataset(dir));
        config = config with { Training = config.Training with { LoggingSteps = 4 } };
        var reports = new List<TrainingProgress>();
        await new ExperimentRunner(new RunnerOptions { ArtifactsRoot = dir.Child("artifacts") })
            .TrainAsync(config, new SyncProgress<TrainingProgress>(reports.Add), default);

        // Steps 1-4, then the last window (5-6); run.json still keeps every step's loss.
        Assert.Equal([4, 6], reports.Select(r => r.Step));
        var losses = RunRecord.Losses(ExperimentPaths.For(dir.Child("artifacts"), config));
        Assert.Equal(6, losses.Count);
        Assert.Equal(losses.Take(4).Average(), reports[0].Loss, 6);
        Assert.Equal(losses.Skip(4).Average(), reports[1].Loss, 6);
        Assert.NotEqual(losses[3], reports[0].Loss);
    }

    [Fact]
    public void Early_stopping_counts_evaluations_without_improvement_since_the_best()
    {
        var stopping = new EarlyStopping(patience: 2);
        Assert.False(stopping.ShouldStop(3.0));
        Assert.False(stopping.ShouldStop(3.1));   // 1 without improvement
        Assert.False(stopping.ShouldStop(2.9));   // improved: count restarts
        Assert.False(stopping.ShouldStop(2.9));   // equal is not better: 1
        Assert.True(stopping.ShouldStop(3.5));    // 2
        Assert.Equal(2.9, stopping.Best);
    }

    [Fact]
    public async Task With_default_settings_a_run_that_dies_in_epoch_2_resumes_from_the_end_of_epoch_1_to_the_same_adapter()
    {
        using var dir = new TempFolder();
        var config = FixtureExperiment.Config(dir.Path, FixtureExperiment.WriteDataset(dir));
        // 2 epochs of 6 steps (48 rows, micro-batch 4, accumulation 2); SaveSteps 0: a checkpoint at each epoch's end.
        config = config with { Training = config.Training with { Epochs = 2, MaxSteps = 0, SaveSteps = 0 } };
        var straight = await new ExperimentRunner(new RunnerOptions { ArtifactsRoot = dir.Child("a") }).TrainAsync(config, null, default);
        Assert.Equal(12, straight.Steps);

        // The process dies in epoch 2 (an exception, not a cancellation: nothing is saved at that moment, as with kill -9).
        var dies = new SyncProgress<TrainingProgress>(p => { if (p.Step == 9) throw new InvalidOperationException("killed"); });
        await Assert.ThrowsAsync<InvalidOperationException>(() => new ExperimentRunner(new RunnerOptions { ArtifactsRoot = dir.Child("b") }).TrainAsync(config, dies, default));
        Assert.Equal(["step-000006"], Directory.GetDirectories(dir.Child("b", "train-tiny-llama", "checkpoints")).Select(Path.GetFileName));

        await ResumesToTheSameAdapter(config, dir.Child("b"), straight, "resuming from step-000006 (6/12 steps done)");
    }

    [Fact]
    public async Task Evaluation_runs_at_each_epoch_end_by_default_and_every_EvalSteps_otherwise_into_run_json()
    {
        using var dir = new TempFolder();
        var config = FixtureExperiment.Config(dir.Path, FixtureExperiment.WriteDataset(dir));
        config = config with
        {
            Dataset = config.Dataset with { EvalFraction = 0.25 },
            Training = config.Training with { Epochs = 3, MaxSteps = 0 },
        };
        // 36 training rows: 9 micro-batches of 4 an epoch, two to a step, so epochs 1 and 2 end inside steps 5 and 9.
        foreach (var (evalSteps, expected) in new[] { (0, new[] { 5, 9 }), (5, new[] { 5, 10 }) })
        {
            var c = config with { Training = config.Training with { EvalSteps = evalSteps } };
            var logs = new List<string>();
            var root = dir.Child("evals-" + evalSteps);
            var result = await new ExperimentRunner(new RunnerOptions { ArtifactsRoot = root, Log = logs.Add }).TrainAsync(c, null, default);
            Assert.Equal(12, result.Steps);   // 4 whole steps an epoch, 3 epochs
            var run = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(ExperimentPaths.For(root, c).Run))!;
            var evals = run["evals"]!.AsArray();
            Assert.Equal(expected, evals.Select(e => e!["step"]!.GetValue<int>()));   // the last step's evaluation is eval_loss
            Assert.All(evals, e => Assert.True(double.IsFinite(e!["eval_loss"]!.GetValue<double>())));
            Assert.Equal(expected.Length, logs.Count(l => l.Contains(" eval loss ")));
        }
    }

    [Fact]
    public async Task LoadBestModelAtEnd_keeps_the_adapter_with_the_lowest_eval_loss()
    {
        using var dir = new TempFolder();
        var config = FixtureExperiment.Config(dir.Path, FixtureExperiment.WriteDataset(dir));
        // A learning rate this high overshoots after a few steps, so the lowest eval loss is not the last one's.
        config = config with
        {
            Dataset = config.Dataset with { EvalFraction = 0.25 },
            Training = config.Training with { LearningRate = 0.3, WarmupSteps = 0, EvalSteps = 1, Schedule = LrSchedule.Constant },
        };
        async Task<(System.Text.Json.Nodes.JsonNode Run, string Adapter, List<string> Logs)> Train(ExperimentConfig c, string root)
        {
            var logs = new List<string>();
            var result = await new ExperimentRunner(new RunnerOptions { ArtifactsRoot = dir.Child(root), Log = logs.Add }).TrainAsync(c, null, default);
            return (System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(ExperimentPaths.For(dir.Child(root), c).Run))!, result.AdapterDirectory, logs);
        }
        var last = await Train(config, "last");
        var best = await Train(config with { Training = config.Training with { LoadBestModelAtEnd = true } }, "best");

        // Every evaluation of the plain run, the final state's included: the kept one is the lowest.
        var evals = last.Run["evals"]!.AsArray().Select(e => (Step: e!["step"]!.GetValue<int>(), Loss: e["eval_loss"]!.GetValue<double>()))
            .Append((Step: 6, Loss: last.Run["eval_loss"]!.GetValue<double>())).ToList();
        var lowest = evals.MinBy(e => e.Loss);
        Assert.True(lowest.Step < 6, $"eval losses {string.Join(", ", evals)}: the test needs one lower than the last");
        Assert.Equal(lowest.Step, best.Run["plan"]!["best_step"]!.GetValue<int>());
        Assert.Equal(lowest.Loss, best.Run["eval_loss"]!.GetValue<double>(), 6);
        Assert.Contains(best.Logs, l => l.Contains($"kept the adapter of step {lowest.Step}"));
        Assert.Null(last.Run["plan"]!["best_step"]);

        // The kept adapter scores that loss on the eval rows when loaded back, and is not the last one.
        using var data = LoadedExperiment.Load(config);
        using var model = Lora.Runtime.Models.ModelLoader.Load(data.BaseFolder, TorchSharp.torch.ScalarType.Float32);
        PeftAdapter.Load(model, best.Adapter);
        double scored = ExperimentEvaluator.MeanLoss(model, data.Eval, 4, data.PadId);
        Assert.Equal(lowest.Loss, scored, 5);
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(last.Adapter, PeftAdapter.WeightsFileName)), File.ReadAllBytes(Path.Combine(best.Adapter, PeftAdapter.WeightsFileName)));
        Assert.False(Directory.Exists(Path.Combine(dir.Child("best"), "train-tiny-llama", "checkpoints")));
    }

    /// <summary>The generated pipeline's Run goes through the build's stages: a second run of an unchanged experiment
    /// trains, merges and evaluates nothing and returns the recorded results.</summary>
    [Fact]
    public async Task Run_trains_merges_and_evaluates_once_and_then_returns_the_recorded_results()
    {
        using var dir = new TempFolder();
        var config = FixtureExperiment.Config(dir.Path, FixtureExperiment.WriteDataset(dir)) with
        {
            Evaluation = new EvaluationSettings([Metric.Perplexity], 8),
            Expectations = [new ExpectationSettings(Metric.Perplexity, AtLeast: null, AtMost: 1e9)],
        };
        var logs = new List<string>();
        var runner = new ExperimentRunner(new RunnerOptions { ArtifactsRoot = dir.Child("artifacts"), Log = logs.Add });

        var first = await runner.RunAsync(config, null, default);
        var firstLogs = logs.ToList();
        logs.Clear();
        var second = await runner.RunAsync(config, null, default);

        Assert.Contains(firstLogs, l => l.EndsWith(": evaluating base and tuned models"));
        Assert.Contains(firstLogs, l => l.Contains(": merging into "));
        Assert.DoesNotContain(logs, l => l.Contains("training") || l.Contains("merging") || l.Contains("evaluating"));
        Assert.True(first.Passed && second.Passed);
        Assert.Equal(6, second.Training.Steps);
        Assert.Equal(first.Training.FinalLoss, second.Training.FinalLoss, 6);
        Assert.Equal(first.Evaluation!.Metrics[Metric.Perplexity], second.Evaluation!.Metrics[Metric.Perplexity], 5);
        Assert.Equal(first.Merge!.ModelDirectory, second.Merge!.ModelDirectory);
    }

    [Fact]
    public async Task Merge_and_evaluate_write_their_artifacts()
    {
        using var dir = new TempFolder();
        var config = FixtureExperiment.Config(dir.Path, FixtureExperiment.WriteDataset(dir)) with
        {
            Dataset = FixtureExperiment.Config(dir.Path, "").Dataset with { Path = dir.Child("train.jsonl"), EvalFraction = 0.25, Shuffle = true },
            Evaluation = new EvaluationSettings([Metric.Perplexity], 8),
        };
        var runner = new ExperimentRunner(new RunnerOptions { ArtifactsRoot = dir.Child("artifacts") });
        var trained = await runner.TrainAsync(config, null, default);
        var merged = await runner.MergeAsync(config, trained, default);
        Assert.True(File.Exists(Path.Combine(merged.ModelDirectory, "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(merged.ModelDirectory, "config.json")));
        var eval = await runner.EvaluateAsync(config, trained, default);
        Assert.Equal(12, eval.Rows);
        Assert.True(eval.Metrics[Metric.Perplexity] > 1);
        var report = File.ReadAllText(dir.Child("artifacts", "train-tiny-llama", "report.md"));
        Assert.Contains("| Perplexity |", report);
        Assert.Contains("loss.svg", report);
        // The estimator's prediction stands beside the measured peak of this (CPU) process.
        var memory = RunRecord.Memory(ExperimentPaths.For(dir.Child("artifacts"), config))!;
        Assert.True(memory.EstimateMiB > memory.BaselineMiB, $"estimate {memory.EstimateMiB} MiB includes the {memory.BaselineMiB} MiB baseline");
        Assert.True(memory.PeakMiB >= memory.BaselineMiB, $"peak {memory.PeakMiB} MiB, baseline {memory.BaselineMiB} MiB");
        Assert.Contains($"Predicted peak: {memory.EstimateMiB:0} MiB", report);
        Assert.Contains($"Measured peak resident memory of the training process: {memory.PeakMiB:0} MiB", report);
    }

    [Fact]
    public async Task A_non_finite_loss_stops_the_run_at_its_step_and_no_checkpoint_after_it_is_saved()
    {
        // A learning rate no model survives: the factors reach ±1e30 after one update, and their product overflows.
        using var dir = new TempFolder();
        var config = FixtureExperiment.Config(dir.Path, FixtureExperiment.WriteDataset(dir), saveSteps: 1);
        config = config with { Training = config.Training with { LearningRate = 1e30, WarmupSteps = 0, MaxGradNorm = 0, LoggingSteps = 1 } };
        var reports = new List<TrainingProgress>();
        var error = await Assert.ThrowsAsync<Lora.Runtime.Training.NonFiniteTrainingException>(() =>
            new ExperimentRunner(new RunnerOptions { ArtifactsRoot = dir.Child("artifacts") }).TrainAsync(config, new SyncProgress<TrainingProgress>(reports.Add), default));

        var step = int.Parse(System.Text.RegularExpressions.Regex.Match(error.Message, @"training stopped at step (\d+)/6").Groups[1].Value);
        Assert.Contains("Likely causes: a learning rate too high", error.Message);
        Assert.Contains(FixtureExperiment.WriteDataset(dir) + ":", error.Message);   // the rows of that step, file:line
        // Progress went up to the step before, with finite losses only; no run.json, no adapter.
        Assert.Equal(Enumerable.Range(1, step - 1), reports.Select(r => r.Step));
        Assert.All(reports, r => Assert.True(double.IsFinite(r.Loss)));
        Assert.False(File.Exists(dir.Child("artifacts", "train-tiny-llama", "run.json")));
        Assert.False(Directory.Exists(dir.Child("artifacts", "train-tiny-llama", "adapter")));
        // Every checkpoint kept is from before that step, and finite.
        var checkpoints = Directory.GetDirectories(dir.Child("artifacts", "train-tiny-llama", "checkpoints"), "step-*");
        Assert.NotEmpty(checkpoints);
        foreach (var checkpoint in checkpoints)
        {
            Assert.True(int.Parse(Path.GetFileName(checkpoint)["step-".Length..]) < step, $"{checkpoint} was saved at or after the failing step {step}");
            foreach (var (key, value) in TensorFiles.ReadAll(Path.Combine(checkpoint, "adapter", PeftAdapter.WeightsFileName)))
                Assert.True(value.isfinite().all().item<bool>(), $"{checkpoint}: {key} holds non-finite values");
        }
        Assert.Contains(Path.GetFileName(checkpoints.Max())!, error.Message);
    }

    [Fact]
    public void A_token_id_beyond_the_models_vocabulary_is_a_data_error_naming_the_row()
    {
        using var dir = new TempFolder();
        int vocab = Lora.Runtime.Models.ModelConfig.Load(Path.Combine(FixtureExperiment.Folder, "base", "config.json")).VocabSize;
        var dataset = dir.WriteText("ids.jsonl", "{\"input_ids\": [1, 2, 3]}\n{\"input_ids\": [4, " + vocab + ", 5]}\n");
        var config = FixtureExperiment.Config(dir.Path, dataset);
        var error = Assert.Throws<Lora.Runtime.Data.DatasetException>(() => LoadedExperiment.Load(config));
        Assert.Contains($"{dataset}:2: token id {vocab} is beyond the model's vocabulary (vocab_size {vocab} in ", error.Message);
    }

    [Fact]
    public async Task A_build_cancelled_while_the_model_loads_stops_there_and_writes_nothing()
    {
        using var dir = new TempFolder();
        var config = FixtureExperiment.Config(dir.Path, FixtureExperiment.WriteDataset(dir), saveSteps: 1);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new ExperimentRunner(new RunnerOptions { ArtifactsRoot = dir.Child("artifacts") }).TrainAsync(config, null, cancelled.Token));
        Assert.False(Directory.Exists(dir.Child("artifacts", "train-tiny-llama", "checkpoints")));
        Assert.Throws<OperationCanceledException>(() => Lora.Runtime.Models.ModelLoader.Load(Path.Combine(FixtureExperiment.Folder, "base"),
            cancellationToken: cancelled.Token));
    }

    /// <summary>Trains <paramref name="config"/> in <paramref name="artifacts"/> and cancels it once step <paramref name="at"/> is reported.</summary>
    static async Task TrainAndCancelAt(ExperimentConfig config, string artifacts, int at, List<string>? logs = null)
    {
        using var cancel = new CancellationTokenSource();
        var progress = new SyncProgress<TrainingProgress>(p => { if (p.Step == at) cancel.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new ExperimentRunner(new RunnerOptions { ArtifactsRoot = artifacts, Log = m => logs?.Add(m) }).TrainAsync(config, progress, cancel.Token));
    }

    [Fact]
    public async Task Another_configurations_checkpoints_are_removed_and_never_push_this_runs_out()
    {
        using var dir = new TempFolder();
        var config = FixtureExperiment.Config(dir.Path, FixtureExperiment.WriteDataset(dir), saveSteps: 1);
        var artifacts = dir.Child("artifacts");
        var checkpoints = dir.Child("artifacts", "train-tiny-llama", "checkpoints");
        // The first configuration leaves step-3 and step-4 (and a cancelled save of step-5).
        await TrainAndCancelAt(config, artifacts, at: 4);
        Assert.Contains(Path.Combine(checkpoints, "step-000004"), Directory.GetDirectories(checkpoints));

        // Another learning rate, cancelled after step 2: its own checkpoints stay, the earlier run's are gone.
        var changed = config with { Training = config.Training with { LearningRate = 1e-3 } };
        var logs = new List<string>();
        await TrainAndCancelAt(changed, artifacts, at: 2, logs);
        Assert.Contains(logs, l => l.Contains("removed") && l.Contains("earlier configuration"));
        Assert.DoesNotContain(logs, l => l.Contains("resuming"));
        Assert.Equal(["step-000001", "step-000002"], Directory.GetDirectories(checkpoints).Select(Path.GetFileName).Order());

        // And the next build of that configuration resumes from its own checkpoint, to the uninterrupted run's adapter.
        var straight = await new ExperimentRunner(new RunnerOptions { ArtifactsRoot = dir.Child("straight") }).TrainAsync(changed, null, default);
        await ResumesToTheSameAdapter(changed, artifacts, straight, "resuming from step-000002");
    }

    [Theory]
    [InlineData("adapter/adapter_model.safetensors", "truncated")]
    [InlineData("optimizer.safetensors", "emptied")]
    [InlineData("trainer_state.json", "emptied")]
    public async Task A_damaged_checkpoint_is_passed_over_for_the_one_before_it(string file, string damage)
    {
        using var dir = new TempFolder();
        var config = FixtureExperiment.Config(dir.Path, FixtureExperiment.WriteDataset(dir), saveSteps: 1);
        var artifacts = dir.Child("artifacts");
        var straight = await new ExperimentRunner(new RunnerOptions { ArtifactsRoot = dir.Child("straight") }).TrainAsync(config, null, default);
        await TrainAndCancelAt(config, artifacts, at: 4);
        var newest = Directory.GetDirectories(dir.Child("artifacts", "train-tiny-llama", "checkpoints"), "step-*").Max()!;
        var path = Path.Combine(newest, file);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, damage == "truncated" ? bytes[..(bytes.Length / 2)] : []);

        var logs = new List<string>();
        var resumed = await new ExperimentRunner(new RunnerOptions { ArtifactsRoot = artifacts, Log = logs.Add }).TrainAsync(config, null, default);
        Assert.Contains(logs, l => l.Contains($"{Path.GetFileName(newest)} is damaged"));
        var resumedFrom = logs.Single(l => l.Contains("resuming from"));
        Assert.DoesNotContain(Path.GetFileName(newest), resumedFrom);
        var a = TensorFiles.ReadAll(Path.Combine(straight.AdapterDirectory, PeftAdapter.WeightsFileName));
        var b = TensorFiles.ReadAll(Path.Combine(resumed.AdapterDirectory, PeftAdapter.WeightsFileName));
        foreach (var (key, value) in a) Tolerance.Close(b[key], value, 1e-5, key);
    }
}

/// <summary>IProgress that reports on the calling thread (Progress&lt;T&gt; posts to the thread pool, which races with assertions).</summary>
public sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
