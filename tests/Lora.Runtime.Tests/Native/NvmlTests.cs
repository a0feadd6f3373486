using Lora.Runtime.Native;

namespace Lora.Runtime.Tests.Native;

public class NvmlTests
{
    static bool HasNvidiaDriver => File.Exists("/proc/driver/nvidia/version");

    [Fact]
    public void Gpu_memory_is_a_figure_with_an_nvidia_driver_and_unknown_without_one()
    {
        var used = Nvml.UsedMiB();
        if (HasNvidiaDriver) Assert.True(used > 0, $"NVML reported {used} MiB in use");
        else Assert.Null(used);
    }

    [Fact]
    public void The_compute_capability_is_known_with_an_nvidia_driver_and_unknown_without_one()
    {
        var capability = Nvml.ComputeCapability();
        if (HasNvidiaDriver) Assert.True(capability is { Major: >= 3 }, $"NVML reported {capability}");
        else Assert.Null(capability);
    }
}
