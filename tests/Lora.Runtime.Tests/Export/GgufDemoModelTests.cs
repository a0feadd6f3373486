using Lora.Runtime.Experiments;
using Lora.Runtime.Models;
using Lora.Runtime.Native;
using Lora.Runtime.Tests.Experiments;
using Lora.Runtime.Tests.Tools.Data.Email;
using Lora.Runtime.Tokenization;

namespace Lora.Runtime.Tests.Export;

/// <summary>
/// The quick start's model in llama.cpp: the template's experiment (its adapter settings, prompt and completion, the shipped
/// SpamAssassin rows, the built-in base model, a float32 merge) trained for a few steps instead of 400, built with
/// [Export(Gguf = F32)], then run by llama.cpp on an e-mail prompt of the held-out kind: the same greedy ids as the runtime's
/// merged model, logits within 1e-3 of their largest magnitude; and its f16 export gives the same ids.
/// </summary>
public class GgufDemoModelTests
{
    public GgufDemoModelTests() => TorchNative.EnsureLoaded();

    [Fact]
    public void The_quick_starts_merged_model_runs_in_llama_cpp_as_in_the_runtime()
    {
        using var dir = new TempFolder();
        var fixture = FixtureExperiment.Config(dir.Path, ShippedDataset.Path);
        // The template's settings (templates/Lora.Templates/content/lora-experiment/Experiment.cs) but the step count and batch.
        var config = fixture with
        {
            ExperimentName = "quick-start",
            Model = new BaseModelSettings("lora-tiny-en", IsBuiltIn: true, ModelType: "llama"),
            Adapter = new LoraSettings(16, 32, 0.05, ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"], LoraBias.None, false, false, null),
            Dataset = new DatasetSettings(ShippedDataset.Path, DatasetFormat.Jsonl, null, "Email", "Subject: {Subject}\n{Body}\nSpam:", " {Spam}",
                EvalFraction: 0.1, Shuffle: true, MaxLength: 128, null, false, true),
            Training = fixture.Training with { MaxSteps = 6, LearningRate = 2e-3, BatchSize = 4, GradientAccumulation = 1, WarmupSteps = 2 },
            Merge = new MergeSettings(MergeDType.Float32, true),
            Export = new ExportSettings(GgufType.F32),
        };
        var artifacts = dir.Child("artifacts");
        var output = new StringWriter();
        Assert.Equal(0, new ExperimentHost(new RunnerOptions { ArtifactsRoot = artifacts }, new BuildProtocol(output)).Run([config], [], default));
        var paths = ExperimentPaths.For(artifacts, config);
        Assert.Contains($"exporting f32 GGUF to {paths.Gguf}", output.ToString());

        // A prompt as the evaluation writes one, tokenized by the merged folder's own tokenizer.
        var prompt = ModelTokenizer.Load(paths.Merged)
            .Encode("Subject: Your account statement\nPlease find the statement for November attached.\nSpam:", addBos: false).ToArray();
        using var merged = ModelLoader.Load(paths.Merged);
        using (var llama = new LlamaCppModel(paths.Gguf))
        {
            var f32 = GgufParity.Compare(merged, llama, prompt, adapter: null);
            Assert.True(f32.SameIds, f32.ToString());
            Assert.True(f32.MaxLogitDifference <= 1e-3 * f32.LogitScale, f32.ToString());
        }
        var f16 = GgufParity.Measure(merged, paths.Merged, GgufType.F16, dir.Child("quick-start-f16.gguf"));
        Assert.True(f16.SameIds, f16.ToString());
    }
}
