using System.Reflection;
using System.Runtime.Loader;
using Lora.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Lora.Generators.Tests;

/// <summary>
/// A sample project with ten typical mistakes gets exactly one diagnostic per mistake, on the argument at fault;
/// fixed, it compiles clean and its generated pipeline runs from user code.
/// </summary>
public sealed class TenMistakesTests
{
    /// <summary>
    /// The mistakes: rank above the layer width, a misspelled target module, a template placeholder that is not a
    /// property, a learning rate of 2, warm-up given twice, an expectation on a metric that is not evaluated, a sweep
    /// over a misspelled setting, a misspelled dataset path, epochs and max steps together, and a missing partial.
    /// </summary>
    private const string WithMistakes = """
        using Lora;

        namespace Shop;

        public sealed record Email(string Subject, string Body, string Label);

        [Experiment("spam-filter")]
        [BaseModel("models/tiny-llama")]
        [LoraAdapter({|LORA0044:Rank = 128|}, Alpha = 32, Targets = new[] { {|LORA0043:"q_prj"|}, "v_proj" })]
        [Dataset<Email>("data/mail.jsonl", {|LORA0053:Prompt = "Subject: {Subjet}\n{Body}\nLabel:"|}, Completion = " {Label}", EvalFraction = 0.2, MaxLength = 128)]
        [Training(Epochs = 2, {|LORA0010:LearningRate = 2|}, BatchSize = 4, WarmupSteps = 10, {|LORA0011:WarmupRatio = 0.03|})]
        [Evaluate(Metric.Perplexity)]
        [Expect({|LORA0014:Metric.Accuracy|}, AtLeast = 0.9)]
        [Sweep({|LORA0030:"LearningRte"|}, 1e-4, 3e-4)]
        public partial record SpamFilter;

        [Experiment("summarizer")]
        [BaseModel("models/tiny-gpt2")]
        [Dataset({|LORA0050:"data/sumaries.jsonl"|}, Format = DatasetFormat.Alpaca, MaxLength = 64)]
        [Training(Epochs = 2, {|LORA0012:MaxSteps = 500|})]
        public record {|LORA0001:Summarizer|};
        """;

    private const string Fixed = """
        using Lora;

        namespace Shop;

        public sealed record Email(string Subject, string Body, string Label);

        [Experiment("spam-filter")]
        [BaseModel("models/tiny-llama")]
        [LoraAdapter(Rank = 16, Alpha = 32, Targets = new[] { "q_proj", "v_proj" })]
        [Dataset<Email>("data/mail.jsonl", Prompt = "Subject: {Subject}\n{Body}\nLabel:", Completion = " {Label}", EvalFraction = 0.2, MaxLength = 128)]
        [Training(Epochs = 2, LearningRate = 2e-4, BatchSize = 4, WarmupRatio = 0.03)]
        [Evaluate(Metric.Perplexity, Metric.Accuracy)]
        [Expect(Metric.Accuracy, AtLeast = 0.9)]
        [Sweep("LearningRate", 1e-4, 3e-4)]
        public partial record SpamFilter;

        [Experiment("summarizer")]
        [BaseModel("models/tiny-gpt2")]
        [Dataset("data/summaries.jsonl", Format = DatasetFormat.Alpaca, MaxLength = 64)]
        [Training(MaxSteps = 500)]
        public partial record Summarizer;
        """;

    /// <summary>User code that calls the generated pipeline with its own runner and reports what the runner saw.</summary>
    private const string UserCode = """
        using System;
        using System.Collections.Generic;
        using System.Reflection;
        using System.Threading;
        using System.Threading.Tasks;
        using Lora;

        namespace Shop;

        public sealed class FakeRunner : IExperimentRunner
        {
            public List<ExperimentConfig> Trained { get; } = new();
            public List<string> Calls { get; } = new();
            public List<TrainingProgress> Progress { get; } = new();

            public Task<TrainResult> TrainAsync(ExperimentConfig config, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
            {
                Trained.Add(config);
                Calls.Add("train " + config.FullName);
                progress?.Report(new TrainingProgress(1, 1, 1.0, 0.5, config.Training.LearningRate));
                return Task.FromResult(new TrainResult(config, "/out/" + config.FullName, 1, 0.5, 0.6, TimeSpan.FromSeconds(1)));
            }

            public Task<MergeResult> MergeAsync(ExperimentConfig config, TrainResult training, CancellationToken cancellationToken)
            {
                Calls.Add("merge " + config.FullName);
                return Task.FromResult(new MergeResult("/merged/" + config.FullName, MergeDType.Float16));
            }

            public Task<EvaluationResult> EvaluateAsync(ExperimentConfig config, TrainResult training, CancellationToken cancellationToken)
            {
                Calls.Add("evaluate " + config.FullName);
                var accuracy = config.Training.LearningRate > 2e-4 ? 0.95 : 0.85;
                return Task.FromResult(new EvaluationResult(new Dictionary<Metric, double> { [Metric.Perplexity] = 3.2, [Metric.Accuracy] = accuracy }, 10));
            }

            // A fake of the runtime's whole run: its own stages in order, the declared ones only.
            public async Task<ExperimentRunResult> RunAsync(ExperimentConfig config, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
            {
                var training = await TrainAsync(config, progress, cancellationToken);
                var merge = config.Merge is null ? null : await MergeAsync(config, training, cancellationToken);
                var evaluation = config.Evaluation is null ? null : await EvaluateAsync(config, training, cancellationToken);
                return new ExperimentRunResult(config, training, merge, evaluation, ExperimentPipeline.CheckExpectations(config, evaluation));
            }
        }

        public static class Probe
        {
            public static async Task<object[]> Run()
            {
                var runner = new FakeRunner();
                var trained = await SpamFilter.Train(runner, null, default);
                var evaluated = await SpamFilter.Evaluate(runner, trained);
                var results = await SpamFilter.Run(runner, new Progress<TrainingProgress>(p => { }));
                var attribute = typeof(Probe).Assembly.GetCustomAttribute<ExperimentRegistryAttribute>()!;
                var registry = (IExperimentRegistry)Activator.CreateInstance(attribute.RegistryType)!;
                return new object[] { runner.Trained[0], evaluated, results, registry.Experiments, runner.Calls };
            }
        }
        """;

    [Fact]
    public void Each_mistake_gets_its_diagnostic_on_the_argument_at_fault()
    {
        var run = Project().Verify(WithMistakes);
        Assert.Equal(10, run.Lora.Select(d => d.Id).Distinct().Count());
        Assert.All(run.Lora, d => Assert.Equal(Fixtures.SourcePath, d.Location.GetLineSpan().Path));
    }

    [Fact]
    public void Fixed_sample_compiles_without_diagnostics()
    {
        var run = Project().Verify(Fixed);
        Assert.Empty(run.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public async Task Generated_pipeline_is_callable_from_user_code()
    {
        var run = Project().WithSource(Fixed).WithSource(UserCode).Run();
        Assert.Empty(run.Lora);
        Assert.Empty(run.CompileErrors);

        var outcome = await Execute(run.Output);
        var config = Assert.IsType<Lora.ExperimentConfig>(outcome[0]);
        Assert.Equal("spam-filter", config.FullName);
        Assert.Null(config.VariantName);
        Assert.Equal(16, config.Adapter.Rank);
        Assert.Equal(2.0, config.Adapter.Scaling);
        Assert.Equal(new[] { "q_proj", "v_proj" }, config.Adapter.Targets);
        Assert.Equal("Shop.Email", config.Dataset.RowType);
        Assert.Equal(Lora.DatasetFormat.Jsonl, config.Dataset.Format);
        Assert.Equal(2e-4, config.Training.LearningRate);
        Assert.Equal(0.03, config.Training.WarmupRatio);
        Assert.Equal((0.9, 0.999, 1e-8), (config.Training.Beta1, config.Training.Beta2, config.Training.Epsilon));
        Assert.Equal("llama", config.Model.ModelType);
        Assert.Equal("/src/App/data/mail.jsonl", config.ResolvePath(config.Dataset.Path).Replace('\\', '/'));

        var evaluation = Assert.IsType<Lora.EvaluationResult>(outcome[1]);
        Assert.Equal(0.85, evaluation.Metrics[Lora.Metric.Accuracy]);

        var results = Assert.IsAssignableFrom<IReadOnlyList<Lora.ExperimentRunResult>>(outcome[2]);
        Assert.Equal(new[] { "spam-filter/learning-rate-0.0001", "spam-filter/learning-rate-0.0003" }, results.Select(r => r.Config.FullName));
        Assert.Equal(new[] { false, true }, results.Select(r => r.Passed));
        Assert.All(results, r => Assert.Null(r.Merge));

        var registry = Assert.IsAssignableFrom<IReadOnlyList<Lora.ExperimentDescriptor>>(outcome[3]);
        Assert.Equal(new[] { "spam-filter", "summarizer" }, registry.Select(e => e.Name));
        Assert.Equal(500, registry[1].Config.Training.MaxSteps);

        var calls = Assert.IsType<List<string>>(outcome[4]);
        Assert.Equal(
            new[]
            {
                "train spam-filter", "evaluate spam-filter",
                "train spam-filter/learning-rate-0.0001", "evaluate spam-filter/learning-rate-0.0001",
                "train spam-filter/learning-rate-0.0003", "evaluate spam-filter/learning-rate-0.0003",
            },
            calls);
    }

    private static TestProject Project() => new TestProject().WithFile(
        "data/summaries.jsonl",
        Fixtures.Lines(
            """{"instruction": "Summarize the text.", "input": "The meeting moved from Monday to Wednesday because the room was booked.", "output": "Meeting moved to Wednesday."}""",
            """{"instruction": "Summarize the text.", "input": "Sales rose 4% in March, led by the new phone.", "output": "March sales up 4%."}"""));

    private static async Task<object[]> Execute(Compilation compilation)
    {
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        image.Position = 0;
        var context = new AssemblyLoadContext("ten-mistakes", isCollectible: true);
        try
        {
            var assembly = context.LoadFromStream(image);
            var probe = assembly.GetType("Shop.Probe", throwOnError: true)!.GetMethod("Run", BindingFlags.Public | BindingFlags.Static)!;
            return await (Task<object[]>)probe.Invoke(null, null)!;
        }
        finally
        {
            context.Unload();
        }
    }
}
