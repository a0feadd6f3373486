using static TorchSharp.torch;

namespace Lora.Runtime.Tensors;

/// <summary>Device comparison: TorchSharp's <see cref="Device"/> is a class without value equality, so == compares instances.</summary>
public static class Devices
{
    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> are the same device (CPU is one device whatever its index).</summary>
    public static bool Same(Device a, Device b) =>
        a.type == b.type && (a.type == TorchSharp.DeviceType.CPU || a.index == b.index);
}
