using Lora.Runtime.Native;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Native;

public sealed class NativeHeapTests
{
    [Fact]
    public void Under_lean_allocation_freed_tensors_leave_the_process()
    {
        TorchNative.EnsureLoaded();
        try
        {
            Assert.True(NativeHeap.UseLeanAllocation(), "mallopt should be available on this glibc system");
            // Tensors of 24 MiB: below glibc's largest dynamic threshold, so without the fixed threshold the second
            // round would come from (and stay in) the heap; larger than the free chunks the tiny models of the other
            // tests usually leave in this process's heap, which malloc would hand out before mapping anything.
            // malloc serves a request from a free chunk its heap already holds before it maps anything, whatever the
            // threshold, and such a chunk stays in the heap when freed: other tests in this process can leave free
            // chunks of 24 MiB and more. Untouched placeholders (no resident memory) take them first.
            var placeholders = Enumerable.Range(0, 8).Select(_ => empty(6L << 20)).ToList();
            for (int round = 0; round < 2; round++)
            {
                // Tensors earlier tests left to the garbage collector are freed now, not by the finalizer thread while
                // this round measures.
                FlushFinalizers();
                double before = ProcessMemory.ResidentMiB();
                var tensors = Enumerable.Range(0, 3).Select(_ => ones(6L << 20)).ToList();   // 3 × 24 MiB, touched
                double held = ProcessMemory.ResidentMiB();
                foreach (var t in tensors) t.Dispose();
                double after = ProcessMemory.ResidentMiB();
                // Most of the 72 MiB must be newly resident for the check below to mean anything.
                Assert.True(held - before > 40, $"round {round}: 72 MiB of tensors raised resident memory by only {held - before:F1} MiB");
                Assert.True(after - before < 8, $"round {round}: {after - before:F1} MiB stayed resident after the tensors were freed");
            }
            foreach (var p in placeholders) p.Dispose();
        }
        finally
        {
            NativeHeap.UseDefaultAllocation();
        }
    }

    [Fact]
    public void Under_caching_allocation_freed_tensors_stay_for_the_next_step()
    {
        TorchNative.EnsureLoaded();
        try
        {
            // From lean allocation, under which a 16 MiB block is mapped on its own and leaves when freed (the test above).
            Assert.True(NativeHeap.UseLeanAllocation(), "mallopt should be available on this glibc system");
            Assert.True(NativeHeap.UseCachingAllocation(), "mallopt should be available on this glibc system");
            // Cached, a freed 16 MiB tensor stays for the next step's tensors. (Whether
            // the next one reuses it depends on the other threads' allocations in between; the benchmark's flat
            // resident memory over its steps shows the reuse.)
            for (int round = 0; round < 3; round++)
            {
                FlushFinalizers();
                var tensor = ones(4L << 20);
                double held = ProcessMemory.ResidentMiB();
                tensor.Dispose();
                double afterFree = ProcessMemory.ResidentMiB();
                Assert.True(held - afterFree < 4, $"round {round}: {held - afterFree:F1} MiB left the process when the tensor was freed: not cached");
            }
        }
        finally
        {
            NativeHeap.UseDefaultAllocation();
        }
    }

    static void FlushFinalizers()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
