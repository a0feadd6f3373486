using Lora.Runtime.Tests.Training;
using Lora.Runtime.Experiments;
using Lora.Runtime.Models;
using Lora.Runtime.Native;
using Lora.Runtime.Quantization;
using Lora.Runtime.Adapters;
using DeviceNames = Lora.Runtime.Tensors.Devices;
using Lora.Runtime.Tests.Experiments;
using Lora.Runtime.Tests.Models;
using Lora.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Placement;

/// <summary>
/// Where a run's tensors live. The meta device (shapes, no data) stands in for a GPU on machines without one: a tensor
/// left on the CPU while the model moved shows up here as it would on CUDA, where a step then mixes devices.
/// </summary>
public class DevicePlacementTests
{
    readonly Device Meta;

    // Before any use of torch's static devices (torch.CPU), which would load TorchSharp's native library its own way.
    public DevicePlacementTests() => Meta = DeviceNames.Resolve("meta", out _);

    [Fact]
    public void The_experiment_model_its_adapter_and_the_optimizer_state_live_on_the_runner_device()
    {
        using var dir = new TempFolder();
        var config = FixtureExperiment.Config(dir.Path, FixtureExperiment.WriteDataset(dir));
        foreach (var withInit in new[] { true, false })   // the adapter read from a PEFT folder, or drawn fresh
        {
            var c = withInit ? config : config with { Adapter = config.Adapter with { InitFrom = null } };
            using var model = ExperimentRunner.LoadForTraining(c, Path.Combine(FixtureExperiment.Folder, "base"), Meta, out _);
            var named = model.named_parameters().ToList();
            Assert.Contains(named, p => p.name.Contains(".lora_A."));
            Assert.All(named, p => Assert.True(p.parameter.device.type == DeviceType.META, $"{p.name} is on {p.parameter.device}"));

            using var trainer = new LoraTrainer(model, "default", TestTrainingOptions.AdamW(1e-3, 1));
            Assert.All(trainer.TrainableParameters.Select((_, i) => trainer.Optimizer.State(i)).SelectMany(s => s),
                s => Assert.Equal(DeviceType.META, s.Value.device.type));
        }
    }

    [Fact]
    public void Adapters_added_after_the_model_moved_are_made_where_it_is_and_start_from_the_cpu_draw()
    {
        using var cpuModel = ModelLoader.Create(ModelConfig.Parse(SmallModels.LlamaConfig()));
        using var metaModel = ModelLoader.Create(ModelConfig.Parse(SmallModels.LlamaConfig()));
        metaModel.to(Meta);
        manual_seed(3);
        LoraAdapters.Attach(cpuModel, "default", new LoraConfig { Alpha = 8, Rank = 4, TargetModules = ["q_proj", "v_proj"] });
        manual_seed(3);
        LoraAdapters.Attach(metaModel, "default", new LoraConfig { Alpha = 8, Rank = 4, TargetModules = ["q_proj", "v_proj"] });
        var onMeta = LoraAdapters.Parameters(metaModel, "default");
        Assert.NotEmpty(onMeta);
        Assert.All(onMeta, p => Assert.Equal(DeviceType.META, p.Value.device.type));

        // The draw happens on the CPU before the move, so a CUDA run starts from the same A as a CPU run with the same seed.
        var onCpu = LoraAdapters.Parameters(cpuModel, "default");
        Assert.Equal(onCpu.Select(p => p.PeftName), onMeta.Select(p => p.PeftName));
        Assert.True(onCpu[0].Value.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void A_4_bit_model_moved_to_a_device_has_every_weight_there_4_bit_ones_too()
    {
        using var dir = new TempFolder();
        var folder = SmallModels.SaveRandom(dir, "base", SmallModels.LlamaConfig());
        var nf4 = new QuantizationOptions(QuantType.NF4, DoubleQuant: true);
        // 4-bit weights are made on the CPU here (libtorch has no meta kernels for quantizing) and moved with their layers.
        using var qlora = ModelLoader.Load(folder, ScalarType.BFloat16, nf4);
        qlora.to(Meta);
        var quantized = qlora.QuantizedModules(nf4);
        Assert.NotEmpty(quantized);
        Assert.All(quantized, m => Assert.Equal(DeviceType.META, m.Value.Quantized!.Device.type));
        Assert.All(qlora.named_parameters(), p => Assert.True(p.parameter.device.type == DeviceType.META, $"{p.name} is on {p.parameter.device}"));
    }

    [Fact]
    public void Cuda_where_there_is_none_fails_at_once_with_the_reason_and_auto_says_it_picked_the_cpu()
    {
        if (Nvml.UsedMiB() is not null) return;   // a machine with a GPU: nothing to refuse
        var error = Assert.Throws<ArgumentException>(() => DeviceNames.Resolve("cuda", out _));
        Assert.Contains("CUDA is not available", error.Message);
        Assert.Contains("libtorch", error.Message);

        var device = DeviceNames.Resolve("auto", out var choice);
        Assert.Equal(DeviceType.CPU, device.type);
        Assert.StartsWith("auto: cpu (", choice);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:x")]
    [InlineData("cuda:-1")]
    public void Unknown_device_names_are_refused_with_the_accepted_ones(string name)
    {
        Assert.False(DeviceNames.IsName(name));
        var error = Assert.Throws<ArgumentException>(() => DeviceNames.Resolve(name, out _));
        Assert.Contains(DeviceNames.Accepted, error.Message);
    }
}
