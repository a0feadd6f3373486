using System.Text.Json.Nodes;
using Lora.Runtime.Experiments;
using Lora.Runtime.Peft;
using Lora.Runtime.Tensors;
using Lora.Runtime.Tests.Experiments;

namespace Lora.Runtime.Tests.Adapters;

/// <summary>
/// <c>[LoraAdapter(Bias = ...)]</c> through the runner: which biases train, what the adapter file holds (PEFT's names and
/// <c>bias</c>), and the merged model. PEFT's numbers for Bias = All are checked by the parity tests on
/// tiny-llama-all-linear-bias; here, on the same base model (attention and MLP biases), the three settings apart.
/// </summary>
public class TrainedBiasTests
{
    static string BiasedBase => RepoPaths.H200Fixture("tiny-llama-all-linear-bias", "base");

    static async Task<(TrainResult Result, Dictionary<string, TorchSharp.torch.Tensor> Adapter, JsonNode Config, ExperimentRunner Runner, ExperimentConfig Experiment)>
        Train(TempFolder dir, LoraBias bias)
    {
        var config = FixtureExperiment.Config(dir.Path, FixtureExperiment.WriteDataset(dir));
        config = config with
        {
            Model = config.Model with { Source = BiasedBase },
            Adapter = config.Adapter with { Targets = ["q_proj", "v_proj"], InitFrom = null, Bias = bias },
            Training = config.Training with { MaxSteps = 2 },
        };
        var runner = new ExperimentRunner(new RunnerOptions { ArtifactsRoot = dir.Child("artifacts-" + bias) });
        var result = await runner.TrainAsync(config, null, default);
        var adapter = TensorFiles.ReadAll(Path.Combine(result.AdapterDirectory, PeftAdapter.WeightsFileName));
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(result.AdapterDirectory, "adapter_config.json")))!;
        return (result, adapter, json, runner, config);
    }

    static List<string> Biases(Dictionary<string, TorchSharp.torch.Tensor> adapter) => adapter.Keys.Where(k => k.EndsWith(".bias")).Order().ToList();

    [Fact]
    public async Task None_saves_factors_only()
    {
        using var dir = new TempFolder();
        var (_, adapter, json, _, _) = await Train(dir, LoraBias.None);
        Assert.Empty(Biases(adapter));
        Assert.Equal("none", json["bias"]!.GetValue<string>());
    }

    [Fact]
    public async Task LoraOnly_trains_and_saves_the_biases_of_adapted_modules_under_PEFT_names()
    {
        using var dir = new TempFolder();
        var (_, adapter, json, _, _) = await Train(dir, LoraBias.LoraOnly);
        var expected = new[] { 0, 1 }.SelectMany(l => new[] { "q_proj", "v_proj" }.Select(m => $"base_model.model.model.layers.{l}.self_attn.{m}.base_layer.bias"));
        Assert.Equal(expected.Order(), Biases(adapter));
        Assert.Equal("lora_only", json["bias"]!.GetValue<string>());
        // Trained: they moved away from the base model's values.
        var baseWeights = TensorFiles.ReadAll(Path.Combine(BiasedBase, "model.safetensors"));
        var saved = adapter["base_model.model.model.layers.0.self_attn.q_proj.base_layer.bias"];
        Assert.False(saved.allclose(baseWeights["model.layers.0.self_attn.q_proj.bias"], 0, 1e-7));
    }

    [Fact]
    public async Task All_trains_every_bias_and_the_merged_model_carries_them()
    {
        using var dir = new TempFolder();
        var (result, adapter, json, runner, config) = await Train(dir, LoraBias.All);
        // 7 biased projections × 2 layers: the adapted ones under base_layer, the others under their plain names.
        Assert.Equal(14, Biases(adapter).Count);
        Assert.Contains("base_model.model.model.layers.1.mlp.down_proj.bias", adapter.Keys);
        Assert.Contains("base_model.model.model.layers.1.self_attn.v_proj.base_layer.bias", adapter.Keys);
        Assert.Equal("all", json["bias"]!.GetValue<string>());

        var merged = await runner.MergeAsync(config, result, default);
        var mergedWeights = TensorFiles.ReadAll(Path.Combine(merged.ModelDirectory, "model.safetensors"));
        Assert.True(mergedWeights["model.layers.1.mlp.down_proj.bias"].allclose(adapter["base_model.model.model.layers.1.mlp.down_proj.bias"], 0, 0));
        Assert.True(mergedWeights["model.layers.0.self_attn.q_proj.bias"].allclose(adapter["base_model.model.model.layers.0.self_attn.q_proj.base_layer.bias"], 0, 0));
    }
}
