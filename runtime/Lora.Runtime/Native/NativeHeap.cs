using System.Runtime.InteropServices;

namespace Lora.Runtime.Native;

/// <summary>
/// How libtorch's CPU tensors (plain malloc on Linux) give their memory back. glibc raises its mmap threshold
/// each time a large block is freed, so after the first step tensors of a few MiB come from the heap, and freed
/// heap is kept by the process: resident memory then stays near the worst step's working set plus fragmentation.
/// Memory-lean runs (QLoRA, gradient checkpointing) pin the threshold low so every large tensor is its own
/// mapping, returned to the system the moment it is freed. Not the default: the fresh pages cost page faults.
/// </summary>
public static partial class NativeHeap
{
    /// <summary>
    /// Blocks from this size up are mapped on their own. 32 KiB rather than glibc's initial 128 KiB: adapter factors,
    /// their gradients and moments (tens of KiB each) then leave no holes in the heap; measured 11 MiB lower on QLoRA.
    /// </summary>
    public const int LeanMmapThresholdBytes = 32 << 10;

    const int MallocMmapThreshold = -3;   // M_MMAP_THRESHOLD in malloc.h

    /// <summary>Switches the process to lean allocation before the model is created; false where glibc is absent.</summary>
    public static bool UseLeanAllocation()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return mallopt(MallocMmapThreshold, LeanMmapThresholdBytes) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;   // musl or another libc: keep its own policy
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int mallopt(int parameter, int value);
}
