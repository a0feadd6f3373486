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
}
