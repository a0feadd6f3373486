using System.Runtime.InteropServices;

namespace Lora.Runtime.Native;

/// <summary>
/// How libtorch's CPU tensors (plain malloc on Linux) get and give back memory, chosen per training run:
/// <list type="bullet">
/// <item>Memory-lean runs (QLoRA, gradient checkpointing) map every block from <see cref="LeanMmapThresholdBytes"/>
/// up on its own, so a freed tensor leaves the process at once. Otherwise glibc raises its mmap threshold each time a
/// large block is freed and keeps freed heap: resident memory stays near the worst step plus fragmentation.</item>
/// <item>Runs whose every step has the same shapes (packed or fixed-length rows, the benchmark) cache: nothing is
/// mapped on its own and freed heap is never trimmed, so each step reuses the previous step's memory instead of
/// faulting in fresh pages (8-15% of a fp32 LoRA step on the benchmark's shape, step medians measured
/// alternately in one process). The loss keeps its one block above glibc's largest mmap threshold, the 125 MiB of
/// logits, from step to step itself (see ChunkedLinearCrossEntropy): freed in backward and reallocated in the next
/// forward under this policy it fragmented the heap (resident +19% from step 10 to step 200; +2.9% with the kept
/// buffer, on a clean clone).</item>
/// <item>Runs with changing shapes (rows of different lengths) keep glibc's defaults: blocks of ever different sizes
/// fragment a heap that is never trimmed (the spam demo's peak went from 1.37 to 2.31 GB when it cached).</item>
/// </list>
/// </summary>
public static partial class NativeHeap
{
    /// <summary>
    /// Blocks from this size up are mapped on their own in lean runs. 32 KiB rather than glibc's initial 128 KiB:
    /// adapter factors, their gradients and moments (tens of KiB each) then leave no holes in the heap; measured
    /// 11 MiB lower on QLoRA.
    /// </summary>
    public const int LeanMmapThresholdBytes = 32 << 10;

    // mallopt parameters (malloc.h) and glibc's defaults for the ones the lean policy restores.
    const int MallocTrimThreshold = -1, MallocMmapThreshold = -3, MallocMmapMax = -4;
    const int DefaultTrimThresholdBytes = 128 << 10, DefaultMmapMax = 65536;

    /// <summary>
    /// Sets the policy for a training run before its model is created; disposing it returns the process to glibc's
    /// defaults and gives the free heap back (evaluation, merging and the next run start from a clean heap).
    /// </summary>
    /// <param name="memoryLean">QLoRA or gradient checkpointing: return every freed tensor at once.</param>
    /// <param name="fixedShapes">Every step's batch has the same shape: cache freed memory for the next step.</param>
    public static IDisposable ForTraining(bool memoryLean, bool fixedShapes)
    {
        if (memoryLean) UseLeanAllocation();
        else if (fixedShapes) UseCachingAllocation();
        else UseDefaultAllocation();
        return new DefaultsOnDispose();
    }

    /// <summary>
    /// glibc's default policy as it settles once a large block has been freed (blocks up to 32 MiB from the heap, its
    /// top trimmed above 64 MiB), and the free heap returned. Not glibc's initial 128 KiB threshold: any mallopt call
    /// stops glibc adjusting it, and a threshold fixed that low maps and unmaps every tensor (the spam demo spent
    /// 7 minutes of system time in page faults that way).
    /// </summary>
    public static bool UseDefaultAllocation() => MapAndTrim(SettledMmapThresholdBytes, 2 * SettledMmapThresholdBytes);

    /// <summary>glibc's largest dynamic mmap threshold on 64-bit systems (DEFAULT_MMAP_THRESHOLD_MAX).</summary>
    const int SettledMmapThresholdBytes = 32 << 20;

    sealed class DefaultsOnDispose : IDisposable
    {
        public void Dispose() => UseDefaultAllocation();
    }

    /// <summary>
    /// Every block from <see cref="LeanMmapThresholdBytes"/> up is its own mapping, returned when freed. Free heap a
    /// caching run left is returned first: malloc serves requests from it before mapping anything new.
    /// </summary>
    public static bool UseLeanAllocation() => MapAndTrim(LeanMmapThresholdBytes, DefaultTrimThresholdBytes);

    /// <summary>Blocks from <paramref name="mmapThreshold"/> up mapped on their own, the heap's top trimmed above <paramref name="trimThreshold"/>, and the free heap returned now.</summary>
    static bool MapAndTrim(int mmapThreshold, int trimThreshold)
    {
        bool set = Set(MallocMmapMax, DefaultMmapMax) && Set(MallocTrimThreshold, trimThreshold) && Set(MallocMmapThreshold, mmapThreshold);
        if (set) malloc_trim(0);
        return set;
    }

    /// <summary>
    /// Nothing is mapped on its own and freed memory stays for reuse: no page faults after the first step. Fully so on
    /// the process's main thread (where the runner and the benchmark train); another thread's arena still maps blocks
    /// over its 64 MiB heap whatever the setting.
    /// </summary>
    public static bool UseCachingAllocation() => Set(MallocMmapMax, 0) && Set(MallocTrimThreshold, int.MaxValue);

    static bool Set(int parameter, int value)
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return mallopt(parameter, value) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;   // musl or another libc: keep its own policy
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int mallopt(int parameter, int value);

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int malloc_trim(nuint pad);
}
