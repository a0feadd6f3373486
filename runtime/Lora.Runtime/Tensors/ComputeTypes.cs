using Lora.Runtime.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace Lora.Runtime.Tensors;

/// <summary>The tensor type a run computes in, from the experiment's <see cref="Lora.ComputeType"/> and the device it runs on.</summary>
public static class ComputeTypes
{
    /// <summary>
    /// Float32, Float16 and BFloat16 as written; <see cref="Lora.ComputeType.Auto"/> is bfloat16 on a CUDA GPU of compute
    /// capability 8.0 or more (the first with bf16 tensor cores), float32 on the CPU, on older GPUs, and where the driver
    /// cannot say.
    /// </summary>
    public static ScalarType Resolve(Lora.ComputeType type, Device device) => Resolve(type, device, Nvml.ComputeCapability);

    internal static ScalarType Resolve(Lora.ComputeType type, Device device, Func<int, (int Major, int Minor)?> capability) => type switch
    {
        Lora.ComputeType.BFloat16 => ScalarType.BFloat16,
        Lora.ComputeType.Float16 => ScalarType.Float16,
        Lora.ComputeType.Float32 => ScalarType.Float32,
        _ => device.type == DeviceType.CUDA && capability(Math.Max(0, device.index)) is { Major: >= 8 } ? ScalarType.BFloat16 : ScalarType.Float32,
    };
}
