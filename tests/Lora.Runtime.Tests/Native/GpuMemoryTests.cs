using Lora.Runtime.Native;

namespace Lora.Runtime.Tests.Native;

public class GpuMemoryTests
{
    [Fact]
    public void Gpu_memory_is_a_figure_with_an_nvidia_driver_and_unknown_without_one()
    {
        var used = GpuMemory.UsedMiB();
        if (File.Exists("/proc/driver/nvidia/version")) Assert.True(used > 0, $"NVML reported {used} MiB in use");
        else Assert.Null(used);
    }
}
