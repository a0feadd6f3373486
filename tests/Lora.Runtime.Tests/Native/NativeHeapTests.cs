using System.Runtime.InteropServices;
using Lora.Runtime.Native;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Native;

/// <summary>
/// Checks each policy by where a freed tensor's own pages are (mincore over its storage), not by the process's
/// resident memory: the GC, the finalizer and other threads' arenas move that by tens of MiB on their own.
/// </summary>
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
            // round would come from (and stay in) the heap. malloc serves a request from a free chunk its heap already
            // holds before it maps anything, whatever the threshold, and such a chunk stays when freed: other tests in
            // this process can leave free chunks of 24 MiB and more. Untouched placeholders take them first.
            var placeholders = Enumerable.Range(0, 8).Select(_ => empty(6L << 20)).ToList();
            for (int round = 0; round < 2; round++)
            {
                var tensors = Enumerable.Range(0, 3).Select(_ => ones(6L << 20)).ToList();   // 3 × 24 MiB, touched
                var ranges = tensors.Select(StorageRange).ToList();
                foreach (var (range, i) in ranges.Select((r, i) => (r, i)))
                    Assert.True(ResidentPages.Fraction(range) > 0.99, $"round {round}, tensor {i}: its pages should be resident while it is held");
                foreach (var t in tensors) t.Dispose();
                foreach (var (range, i) in ranges.Select((r, i) => (r, i)))
                {
                    double left = ResidentPages.Fraction(range);
                    Assert.True(left < 0.05, $"round {round}, tensor {i}: {left:P0} of its pages stayed resident after it was freed");
                }
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
            // Cached, a freed 16 MiB tensor's pages stay in the process for the next step's tensors. (Whether the next
            // one reuses them depends on the other threads' allocations in between; the benchmark's flat resident
            // memory over its steps shows the reuse.)
            for (int round = 0; round < 3; round++)
            {
                var tensor = ones(4L << 20);
                var range = StorageRange(tensor);
                tensor.Dispose();
                double stayed = ResidentPages.Fraction(range);
                Assert.True(stayed > 0.95, $"round {round}: only {stayed:P0} of a freed 16 MiB tensor's pages stayed in the process: not cached");
            }
        }
        finally
        {
            NativeHeap.UseDefaultAllocation();
        }
    }

    static (nint Start, long Bytes) StorageRange(Tensor t)
    {
        nint start = DataPointer(t);
        // storage<T>() made an alias of the tensor that only the finalizer releases: released now, the tensor's own
        // Dispose frees its storage.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return (start, t.NumberOfElements * sizeof(float));
    }

    // A method of its own: the Storage (and its alias) is then unreachable once it returns, in Debug builds too, where a
    // local would stay alive to the end of StorageRange.
    static nint DataPointer(Tensor t) => t.storage<float>().data_ptr();

    /// <summary>Which pages of an address range are in memory, by mincore(2); an unmapped range has none.</summary>
    static class ResidentPages
    {
        const int ENOMEM = 12;

        public static double Fraction((nint Start, long Bytes) range)
        {
            long page = Environment.SystemPageSize;
            // The pages wholly inside the range: the first and last may hold the allocator's headers or a neighbour.
            long first = (range.Start + page - 1) / page * page, end = (range.Start + range.Bytes) / page * page;
            var pages = new byte[(end - first) / page];
            if (mincore((nint)first, (nuint)(end - first), pages) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                Assert.True(errno == ENOMEM, $"mincore failed with errno {errno}");
                return 0;   // unmapped
            }
            return pages.Count(p => (p & 1) != 0) / (double)pages.Length;
        }

        [DllImport("libc", SetLastError = true)]
        static extern int mincore(nint address, nuint length, byte[] vector);
    }
}
