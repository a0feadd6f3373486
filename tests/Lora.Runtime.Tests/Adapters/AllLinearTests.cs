using System.Text.Json.Nodes;
using Lora.Runtime.Adapters;
using Lora.Runtime.Experiments;
using Lora.Runtime.Models;
using Lora.Runtime.Peft;
using Lora.Runtime.Tests.Experiments;

namespace Lora.Runtime.Tests.Adapters;

/// <summary>PEFT's <c>all-linear</c>: every linear layer (GPT-2's Conv1D too) except the output head.</summary>
public class AllLinearTests
{
    static readonly LoraConfig AllLinear = new() { Rank = 4, Alpha = 8, TargetModules = [ModelFamilies.AllLinear] };

    [Fact]
    public void Llama_all_linear_selects_the_modules_PEFT_selected_for_the_fixture()
    {
        // PEFT 0.21 saved target_modules resolved: the full names of the 14 modules it adapted.
        var config = JsonNode.Parse(File.ReadAllText(RepoPaths.H200Fixture("tiny-llama-all-linear-bias", "adapter", "adapter_config.json")))!;
        var peft = config["target_modules"]!.AsArray().Select(n => n!.GetValue<string>()).Order().ToList();
        using var model = ModelLoader.Load(RepoPaths.H200Fixture("tiny-llama-all-linear-bias", "base"));

        var resolved = LoraAdapters.Resolve(model, AllLinear);
        Assert.Equal(peft, resolved.TargetModules.Order());
        Assert.Equal(peft, LoraAdapters.Attach(model, "default", AllLinear).Order());
        Assert.DoesNotContain("lm_head", resolved.TargetModules);
    }

    [Fact]
    public void Gpt2_all_linear_selects_every_conv1d_and_no_head()
    {
        using var model = ModelLoader.Load(RepoPaths.Fixture("tiny-gpt2", "base"));
        var resolved = LoraAdapters.Resolve(model, AllLinear).TargetModules;
        var expected = Enumerable.Range(0, model.Config.NumLayers)
            .SelectMany(i => new[] { "attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj" }.Select(m => $"transformer.h.{i}.{m}"));
        Assert.Equal(expected.Order(), resolved.Order());
    }

    [Fact]
    public void The_head_is_adapted_only_when_named_beside_all_linear()
    {
        using var model = ModelLoader.Load(RepoPaths.Fixture("tiny-llama", "base"));
        Assert.DoesNotContain("lm_head", LoraAdapters.Resolve(model, AllLinear).TargetModules);
        Assert.Contains("lm_head", LoraAdapters.Resolve(model, AllLinear with { TargetModules = [ModelFamilies.AllLinear, "lm_head"] }).TargetModules);
        var plain = AllLinear with { TargetModules = ["q_proj"] };
        Assert.Same(plain, LoraAdapters.Resolve(model, plain));
    }

    [Fact]
    public async Task An_all_linear_experiment_trains_and_saves_the_resolved_module_names_which_load_back()
    {
        using var dir = new TempFolder();
        var config = FixtureExperiment.Config(dir.Path, FixtureExperiment.WriteDataset(dir));
        config = config with
        {
            Adapter = config.Adapter with { Targets = [ModelFamilies.AllLinear], InitFrom = null },
            Training = config.Training with { MaxSteps = 2 },
        };
        var result = await new ExperimentRunner(new RunnerOptions { ArtifactsRoot = dir.Child("artifacts") }).TrainAsync(config, null, default);

        var saved = JsonNode.Parse(File.ReadAllText(Path.Combine(result.AdapterDirectory, "adapter_config.json")))!["target_modules"]!
            .AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Equal(14, saved.Count);   // 7 projections × 2 layers, no lm_head
        Assert.All(saved, name => Assert.StartsWith("model.layers.", name));
        using var model = ModelLoader.Load(Path.Combine(FixtureExperiment.Folder, "base"));
        var loaded = PeftAdapter.Load(model, result.AdapterDirectory);
        Assert.Equal(saved.Order(), loaded.TargetModules.Order());
        Assert.Equal(14, model.Projections().Count(p => p.Layer.HasAdapter("default")));
    }
}
