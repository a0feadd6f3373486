using Lora.Runtime.Native;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Native;

public sealed class NativeHeapTests
{
    [Fact]
    public void Under_lean_allocation_freed_tensors_leave_the_process()
    {
        TorchNative.EnsureLoaded();
        Assert.True(NativeHeap.UseLeanAllocation(), "mallopt should be available on this glibc system");
        // Tensors of 8 MiB: below glibc's largest dynamic threshold, so without the fixed threshold the second
        // round would come from (and stay in) the heap.
        for (int round = 0; round < 2; round++)
        {
            double before = ProcessMemory.ResidentMiB();
            var tensors = Enumerable.Range(0, 8).Select(_ => ones(2L << 20)).ToList();   // 8 × 8 MiB, touched
            double held = ProcessMemory.ResidentMiB();
            foreach (var t in tensors) t.Dispose();
            double after = ProcessMemory.ResidentMiB();
            Assert.True(held - before > 56, $"round {round}: 64 MiB of tensors raised resident memory by only {held - before:F1} MiB");
            Assert.True(after - before < 8, $"round {round}: {after - before:F1} MiB stayed resident after the tensors were freed");
        }
    }

    [Fact]
    public void Under_caching_allocation_freed_tensors_stay_for_the_next_step()
    {
        TorchNative.EnsureLoaded();
        try
        {
            Assert.True(NativeHeap.UseCachingAllocation(), "mallopt should be available on this glibc system");
            // 16 MiB: under lean allocation (the policy this process had) or glibc's first allocation of that size, the
            // block is mapped on its own and leaves when freed; cached, it stays, and once the heap holds enough free
            // memory for the pattern, further rounds take no new memory.
            var heldByRound = new List<double>();
            for (int round = 0; round < 4; round++)
            {
                var tensor = ones(4L << 20);
                heldByRound.Add(ProcessMemory.ResidentMiB());
                tensor.Dispose();
                double afterFree = ProcessMemory.ResidentMiB();
                Assert.True(heldByRound[^1] - afterFree < 4, $"round {round}: {heldByRound[^1] - afterFree:F1} MiB left the process when the tensor was freed: not cached");
            }
            Assert.True(heldByRound[3] - heldByRound[2] < 4, $"rounds 3 and 4 still took new memory: {string.Join(", ", heldByRound.Select(m => m.ToString("F1")))} MiB");
        }
        finally
        {
            NativeHeap.UseLeanAllocation();   // the process's other tests expect freed memory to be returned
        }
    }
}
