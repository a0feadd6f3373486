using System.Text.Json.Nodes;
using Lora.Runtime.Experiments;
using Lora.Runtime.Interop;
using Lora.Runtime.Native;
using Lora.Runtime.Tests.Cli;
using Lora.Runtime.Tests.Experiments;
using Lora.Runtime.Tests.Parity;

namespace Lora.Runtime.Tests.Interop;

/// <summary>
/// Issue 20: a PEFT adapter trained elsewhere (Axolotl writes PEFT's format; here the tiny-llama fixture, written by PEFT's
/// save_pretrained) imported into an experiment is merged and evaluated by the experiment's own stages, without training.
/// </summary>
public sealed class AdapterImportTests
{
    public AdapterImportTests() => TorchNative.EnsureLoaded();

    [Fact]
    public void An_imported_PEFT_adapter_is_merged_and_evaluated_by_the_next_run_without_training()
    {
        var fx = new PeftFixture("tiny-llama");
        using var dir = new TempFolder();
        var config = Experiment(dir, rank: 8);
        string artifacts = dir.Child("artifacts");

        var paths = AdapterImport.Import(config, fx.AdapterDir, artifacts, "cpu");
        Assert.Equal(fx.AdapterDir, JsonNode.Parse(File.ReadAllText(paths.Run))!["plan"]!["imported_from"]!.GetValue<string>());

        var log = new List<string>();
        var outcome = new ExperimentStages(new RunnerOptions { ArtifactsRoot = artifacts, Log = log.Add }).Run(config, null, CancellationToken.None);
        Assert.Contains(log, l => l.Contains("adapter up to date", StringComparison.Ordinal) && l.Contains("not retrained", StringComparison.Ordinal));
        Assert.DoesNotContain(log, l => l.Contains(": training", StringComparison.Ordinal));
        Assert.False(Directory.Exists(paths.Checkpoints), "the import trained: checkpoints were written");

        // The merge folds PEFT's adapter in: the merged model gives the logits PEFT gives with the adapter attached.
        CliRun.Of("logits", "--model", paths.Merged, "--ids", CliText.Rows(fx["input_ids"]), "--out", dir.Child("merged.safetensors")).AssertSucceeded();
        Tolerance.Close(CliText.ReadLogits(dir.Child("merged.safetensors")), fx["adapter_logits"], Tolerance.Logits, "merged imported adapter vs PEFT");

        // The evaluation ran on the adapter: base and tuned perplexities, different (the fixture's B is non-zero).
        var eval = JsonNode.Parse(File.ReadAllText(paths.Eval))!;
        double tuned = outcome.Result.Evaluation!.Metrics[Metric.Perplexity], baseline = eval["base"]![nameof(Metric.Perplexity)]!.GetValue<double>();
        Assert.True(double.IsFinite(tuned) && double.IsFinite(baseline) && tuned != baseline, $"perplexity base {baseline}, tuned {tuned}");
        Assert.True(File.Exists(paths.Report));

        // The build after it has nothing left to do.
        var again = new ExperimentStages(new RunnerOptions { ArtifactsRoot = artifacts }).Run(config, null, CancellationToken.None);
        Assert.True(again.UpToDate);
    }

    [Fact]
    public void An_adapter_that_is_not_the_declared_one_is_refused_naming_each_difference()
    {
        var fx = new PeftFixture("tiny-llama");
        using var dir = new TempFolder();
        var error = Assert.Throws<ArgumentException>(() => AdapterImport.Import(Experiment(dir, rank: 4), fx.AdapterDir, dir.Child("artifacts"), "cpu"));
        Assert.Contains("r is 8, [LoraAdapter] Rank is 4", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.Child("artifacts")), "a refused import wrote artifacts");
    }

    /// <summary>An experiment on the fixture's base model declaring the fixture adapter's settings (meta.json: r 8, alpha 16, seven targets).</summary>
    static ExperimentConfig Experiment(TempFolder dir, int rank)
    {
        var fixture = FixtureExperiment.Config(dir.Path, FixtureExperiment.WriteDataset(dir));
        return fixture with
        {
            Model = new BaseModelSettings(new PeftFixture("tiny-llama").BaseDir, IsBuiltIn: false, ModelType: "llama"),
            Adapter = new LoraSettings(rank, 16, 0, ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"], LoraBias.None, false, false, null),
            Dataset = fixture.Dataset with { EvalFraction = 0.25 },
            Evaluation = new EvaluationSettings([Metric.Perplexity], MaxNewTokens: 1),
        };
    }
}
