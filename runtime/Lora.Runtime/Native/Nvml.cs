using System.Runtime.InteropServices;

namespace Lora.Runtime.Native;

/// <summary>
/// What the NVIDIA driver says of a GPU (NVML, as nvidia-smi shows it): memory in use, and the compute capability.
/// TorchSharp exposes none of the CUDA caching allocator's statistics, so the training benchmark's peak GPU memory is
/// the memory in use after the run minus the same figure before the model existed: what the caching allocator reserved,
/// which is at least what PyTorch's <c>max_memory_allocated</c> reports for the same tensors (PEFT's anchors use the
/// latter, so the comparison is conservative for us).
/// </summary>
public static partial class Nvml
{
    const string Library = "libnvidia-ml.so.1";
    static readonly Lazy<bool> Initialised = new(() => Try(() => nvmlInit_v2() == 0));

    /// <summary>MiB in use on GPU <paramref name="index"/>; null where there is no NVIDIA driver (CPU machines, CI).</summary>
    public static double? UsedMiB(int index = 0)
    {
        if (!OperatingSystem.IsLinux() || !Initialised.Value) return null;
        double? used = null;
        Try(() =>
        {
            if (nvmlDeviceGetHandleByIndex_v2((uint)index, out var device) != 0) return false;
            if (nvmlDeviceGetMemoryInfo(device, out var memory) != 0) return false;
            used = memory.Used / 1048576.0;
            return true;
        });
        return used;
    }

    /// <summary>GPU <paramref name="index"/>'s CUDA compute capability (8.0 for an A100, 9.0 for an H100 or H200); null without a driver to ask.</summary>
    public static (int Major, int Minor)? ComputeCapability(int index = 0)
    {
        if (!OperatingSystem.IsLinux() || !Initialised.Value) return null;
        (int, int)? capability = null;
        Try(() =>
        {
            if (nvmlDeviceGetHandleByIndex_v2((uint)index, out var device) != 0) return false;
            if (nvmlDeviceGetCudaComputeCapability(device, out int major, out int minor) != 0) return false;
            capability = (major, minor);
            return true;
        });
        return capability;
    }

    static bool Try(Func<bool> call)
    {
        try
        {
            return call();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    struct NvmlMemory
    {
        public ulong Total, Free, Used;
    }

    [LibraryImport(Library)]
    private static partial int nvmlInit_v2();

    [LibraryImport(Library)]
    private static partial int nvmlDeviceGetHandleByIndex_v2(uint index, out IntPtr device);

    [LibraryImport(Library)]
    private static partial int nvmlDeviceGetMemoryInfo(IntPtr device, out NvmlMemory memory);

    [LibraryImport(Library)]
    private static partial int nvmlDeviceGetCudaComputeCapability(IntPtr device, out int major, out int minor);
}
