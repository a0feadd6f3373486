using System.Text.Json.Nodes;
using Lora.Runtime.Adapters;
using Lora.Runtime.Experiments;
using Lora.Runtime.Merge;
using Lora.Runtime.Models;
using Lora.Runtime.Peft;
using Lora.Runtime.Tensors;
using Lora.Runtime.Tests.Experiments;
using Lora.Runtime.Tests.Parity;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Adapters;

/// <summary>
/// <c>[LoraAdapter(UseDora = true)]</c> through the runner: PEFT's numbers are checked by the parity tests on
/// tiny-llama-dora (forward, gradients with the magnitude's, AdamW step, merge and unmerge); here, that the setting reaches
/// training, the files and the merged model.
/// </summary>
public class DoraExperimentTests
{
    [Theory]
    [InlineData("tiny-gpt2", "c_attn")]       // Conv1D: weights stored [in, out]
    [InlineData("tiny-llama", "down_proj")]
    public void Merging_a_DoRA_adapter_gives_the_adapter_outputs_and_unmerging_restores_them(string fixture, string target)
    {
        using var model = ModelLoader.Load(RepoPaths.Fixture(fixture, "base"));
        manual_seed(5);
        LoraAdapters.Attach(model, "default", new LoraConfig { Rank = 4, Alpha = 8, TargetModules = [target], UseDora = true });
        using (no_grad())
            foreach (var (name, p) in LoraAdapters.Parameters(model, "default"))
                p.add_(randn_like(p) * (name.Contains("magnitude") ? 0.05 : 0.1));   // B ≠ 0 and m off its start
        var ids = tensor(new long[] { 3, 17, 42, 5, 9, 7 }).unsqueeze(0);
        using var _ = no_grad();
        var adapted = model.Forward(ids);
        LoraMerge.Merge(model, "default");
        Tolerance.Close(model.Forward(ids), adapted, Tolerance.Logits, $"{fixture} merged");
        LoraMerge.Unmerge(model, "default");
        Tolerance.Close(model.Forward(ids), adapted, Tolerance.Logits, $"{fixture} unmerged");
        LoraAdapters.SetEnabled(model, false);
        Assert.True(Tolerance.RelativeError(model.Forward(ids), adapted) > 1e-3, "the adapter changes the outputs");
    }

    [Fact]
    public async Task A_DoRA_experiment_trains_magnitudes_saves_them_as_PEFT_does_and_merges_to_the_same_outputs()
    {
        using var dir = new TempFolder();
        var config = FixtureExperiment.Config(dir.Path, FixtureExperiment.WriteDataset(dir));
        config = config with
        {
            Adapter = config.Adapter with { Targets = ["q_proj", "v_proj"], InitFrom = null, UseDora = true },
            Training = config.Training with { MaxSteps = 3 },
        };
        var runner = new ExperimentRunner(new RunnerOptions { ArtifactsRoot = dir.Child("artifacts") });
        var result = await runner.TrainAsync(config, null, default);

        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(result.AdapterDirectory, "adapter_config.json")))!;
        Assert.True(json["use_dora"]!.GetValue<bool>());
        var saved = TensorFiles.ReadAll(Path.Combine(result.AdapterDirectory, PeftAdapter.WeightsFileName));
        var magnitudes = saved.Keys.Where(k => k.EndsWith(".lora_magnitude_vector")).ToList();
        Assert.Equal(4, magnitudes.Count);   // q_proj, v_proj × 2 layers, under PEFT's file names
        Assert.Contains("base_model.model.model.layers.0.self_attn.q_proj.lora_magnitude_vector", magnitudes);

        // The magnitudes trained: they left their start, the norms of W + scale·B·A with B = 0, i.e. the base rows' norms.
        using var fresh = ModelLoader.Load(Path.Combine(FixtureExperiment.Folder, "base"));
        var q = fresh.Projections().Single(p => p.Name == "model.layers.0.self_attn.q_proj").Layer;
        var start = q.weight.norm(1);
        Assert.False(saved["base_model.model.model.layers.0.self_attn.q_proj.lora_magnitude_vector"].allclose(start, 0, 1e-7));

        // The adapter as loaded gives the merged model's logits.
        using var adapted = ModelLoader.Load(Path.Combine(FixtureExperiment.Folder, "base"));
        PeftAdapter.Load(adapted, result.AdapterDirectory);
        var merged = await runner.MergeAsync(config, result, default);
        using var mergedModel = ModelLoader.Load(merged.ModelDirectory);
        var ids = tensor(new long[] { 3, 17, 42, 5, 99, 7 }).unsqueeze(0);
        using (no_grad())
            Tolerance.Close(mergedModel.Forward(ids), adapted.Forward(ids), Tolerance.Logits, "merged DoRA logits");
    }
}
