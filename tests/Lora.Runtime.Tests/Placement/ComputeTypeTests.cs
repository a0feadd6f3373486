using Lora.Runtime.Experiments;
using Lora.Runtime.Tensors;
using Lora.Runtime.Tests.Experiments;
using TorchSharp;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Placement;

/// <summary>
/// <see cref="Lora.ComputeType.Auto"/>, the default of Precision and of QLoRA's ComputeType: bfloat16 on a GPU with bf16
/// tensor cores, float32 elsewhere. The GPU's compute capability is passed in, so the CUDA branch is checked without a GPU.
/// </summary>
public class ComputeTypeTests
{
    static readonly Device Cuda0 = new(DeviceType.CUDA, 0), Cuda1 = new(DeviceType.CUDA, 1);

    public ComputeTypeTests() => Devices.Resolve("cpu", out _);

    [Theory]
    [InlineData(9, 0, ScalarType.BFloat16)]   // H100, H200
    [InlineData(8, 0, ScalarType.BFloat16)]   // A100
    [InlineData(7, 5, ScalarType.Float32)]    // T4: no bf16 tensor cores
    public void Auto_on_a_GPU_is_bfloat16_from_compute_capability_8(int major, int minor, ScalarType expected) =>
        Assert.Equal(expected, ComputeTypes.Resolve(Lora.ComputeType.Auto, Cuda0, _ => (major, minor)));

    [Fact]
    public void Auto_is_float32_on_the_CPU_and_where_the_driver_cannot_say()
    {
        Assert.Equal(ScalarType.Float32, ComputeTypes.Resolve(Lora.ComputeType.Auto, CPU, _ => (9, 0)));
        Assert.Equal(ScalarType.Float32, ComputeTypes.Resolve(Lora.ComputeType.Auto, Cuda0, _ => null));
    }

    [Fact]
    public void Auto_asks_about_the_GPU_the_run_uses()
    {
        var asked = new List<int>();
        ComputeTypes.Resolve(Lora.ComputeType.Auto, Cuda1, i => { asked.Add(i); return (9, 0); });
        Assert.Equal([1], asked);
    }

    [Theory]
    [InlineData(Lora.ComputeType.Float32, ScalarType.Float32)]
    [InlineData(Lora.ComputeType.BFloat16, ScalarType.BFloat16)]
    [InlineData(Lora.ComputeType.Float16, ScalarType.Float16)]
    public void A_written_type_is_used_on_every_device(Lora.ComputeType written, ScalarType expected)
    {
        Assert.Equal(expected, ComputeTypes.Resolve(written, CPU, _ => (9, 0)));
        Assert.Equal(expected, ComputeTypes.Resolve(written, Cuda0, _ => (7, 0)));
    }

    [Fact]
    public void Precision_and_the_4_bit_compute_type_default_to_Auto()
    {
        Assert.Equal(Lora.ComputeType.Auto, new Lora.TrainingAttribute().Precision);
        Assert.Equal(Lora.ComputeType.Auto, new Lora.QuantizeAttribute(Lora.QuantType.NF4).ComputeType);
    }

    [Fact]
    public void The_fingerprint_changes_with_the_type_the_run_computes_in()
    {
        // Auto trains in float32 on the CPU and in bfloat16 on a recent GPU: a build that moves between them must retrain.
        using var dir = new TempFolder();
        var config = FixtureExperiment.Config(dir.Path, FixtureExperiment.WriteDataset(dir));
        var baseFolder = Path.Combine(FixtureExperiment.Folder, "base");
        Assert.NotEqual(ExperimentFingerprint.Compute(config, baseFolder, ScalarType.Float32), ExperimentFingerprint.Compute(config, baseFolder, ScalarType.BFloat16));
        Assert.Equal(ExperimentFingerprint.Compute(config, baseFolder, ScalarType.Float32), ExperimentFingerprint.Compute(config, baseFolder, ScalarType.Float32));
    }

    [Theory]
    [InlineData("cpu", DeviceType.CPU, -1)]
    [InlineData("CUDA", DeviceType.CUDA, 0)]
    [InlineData("cuda:3", DeviceType.CUDA, 3)]
    public void A_device_name_is_read_without_asking_the_machine(string name, DeviceType type, int index)
    {
        var device = Devices.Named(name)!;
        Assert.Equal(type, device.type);
        Assert.Equal(index, device.index);
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("gpu")]
    [InlineData("cuda:-1")]
    public void Auto_and_non_devices_are_not_named(string name) => Assert.Null(Devices.Named(name));
}
