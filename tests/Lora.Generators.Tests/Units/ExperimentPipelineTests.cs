namespace Lora.Generators.Tests.Units;

/// <summary>The pipeline steps behind the generated methods, with a recording runner.</summary>
public sealed class ExperimentPipelineTests
{
    [Fact]
    public async Task Run_hands_each_configuration_to_the_runner_in_order_and_returns_its_results()
    {
        var runner = new RecordingRunner(accuracy: 0.95);
        var config = Config("exp") with { Merge = new Lora.MergeSettings(Lora.MergeDType.Float16, true) };
        var results = await Lora.ExperimentPipeline.RunAsync(new[] { config, config with { VariantName = "rank-4" } }, runner, null, CancellationToken.None);

        Assert.Equal(new[] { "run exp", "run exp/rank-4" }, runner.Calls);
        Assert.Equal(new[] { "exp", "exp/rank-4" }, results.Select(r => r.Config.FullName));
        Assert.All(results, r => Assert.True(r.Passed));
    }

    [Theory]
    [InlineData(0.95, true)]
    [InlineData(0.9, true)]
    [InlineData(0.85, false)]
    [InlineData(double.NaN, false)]
    public void Expectations_compare_against_their_bounds(double accuracy, bool passed)
    {
        var evaluation = new Lora.EvaluationResult(new Dictionary<Lora.Metric, double> { [Lora.Metric.Accuracy] = accuracy }, 10);
        var outcome = Lora.ExperimentPipeline.CheckExpectations(Config("exp"), evaluation).Single();
        Assert.Equal(passed, outcome.Passed);
    }

    [Fact]
    public void Expectation_on_a_missing_metric_fails()
    {
        var evaluation = new Lora.EvaluationResult(new Dictionary<Lora.Metric, double>(), 10);
        var outcome = Lora.ExperimentPipeline.CheckExpectations(Config("exp"), evaluation).Single();
        Assert.False(outcome.Passed);
        Assert.Null(outcome.Actual);
    }

    [Fact]
    public void Configuration_of_another_experiment_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => Lora.ExperimentPipeline.EnsureBelongsTo(Config("other"), "exp", "variant"));
        Assert.Contains("'other' belongs to another experiment", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scaling_follows_rslora()
    {
        var adapter = Config("exp").Adapter;
        Assert.Equal(2.0, adapter.Scaling);
        Assert.Equal(16 / Math.Sqrt(8), (adapter with { UseRsLora = true }).Scaling);
    }

    private static Lora.ExperimentConfig Config(string name) => new(
        name,
        null,
        null,
        "App.Exp",
        "/src/App/Exp.cs",
        "/src/App",
        new Lora.BaseModelSettings("lora-tiny-en", true, "llama"),
        new Lora.LoraSettings(8, 16, 0, new[] { "q_proj" }, Lora.LoraBias.None, false, false, null),
        null,
        new Lora.DatasetSettings("data/text.jsonl", Lora.DatasetFormat.Jsonl, "text", null, null, null, 0.1, true, 128, null, false, true),
        new Lora.TrainingSettings(1, 0, 2e-4, 8, 8, 1, 0, 0, Lora.LrSchedule.Linear, 0, 1, 42, false, Lora.OptimizerType.AdamW, 0.9, 0.999, 1e-8, Lora.ComputeType.Float32, 0, 0, 10, 0, false),
        new Lora.EvaluationSettings(new[] { Lora.Metric.Accuracy }, 32),
        new[] { new Lora.ExpectationSettings(Lora.Metric.Accuracy, 0.9, null) },
        null);

    private sealed class RecordingRunner(double accuracy) : Lora.IExperimentRunner
    {
        public List<string> Calls { get; } = new();

        public Task<Lora.TrainResult> TrainAsync(Lora.ExperimentConfig config, IProgress<Lora.TrainingProgress>? progress, CancellationToken cancellationToken)
        {
            Calls.Add("train " + config.FullName);
            return Task.FromResult(new Lora.TrainResult(config, "/out", 1, 1.0, null, TimeSpan.Zero));
        }

        public Task<Lora.MergeResult> MergeAsync(Lora.ExperimentConfig config, Lora.TrainResult training, CancellationToken cancellationToken)
        {
            Calls.Add("merge " + config.FullName);
            return Task.FromResult(new Lora.MergeResult("/merged", config.Merge!.DType));
        }

        public Task<Lora.EvaluationResult> EvaluateAsync(Lora.ExperimentConfig config, Lora.TrainResult training, CancellationToken cancellationToken)
        {
            Calls.Add("evaluate " + config.FullName);
            return Task.FromResult(new Lora.EvaluationResult(new Dictionary<Lora.Metric, double> { [Lora.Metric.Accuracy] = accuracy }, 4));
        }

        public Task<Lora.ExperimentRunResult> RunAsync(Lora.ExperimentConfig config, IProgress<Lora.TrainingProgress>? progress, CancellationToken cancellationToken)
        {
            Calls.Add("run " + config.FullName);
            var evaluation = new Lora.EvaluationResult(new Dictionary<Lora.Metric, double> { [Lora.Metric.Accuracy] = accuracy }, 4);
            return Task.FromResult(new Lora.ExperimentRunResult(config, new Lora.TrainResult(config, "/out", 1, 1.0, null, TimeSpan.Zero), null, evaluation,
                Lora.ExperimentPipeline.CheckExpectations(config, evaluation)));
        }
    }
}
