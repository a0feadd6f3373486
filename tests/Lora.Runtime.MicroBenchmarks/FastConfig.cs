using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace Lora.Runtime.MicroBenchmarks;

/// <summary>
/// One short in-process job: every operation here runs for milliseconds to seconds on native code, so a few
/// measured iterations give a stable median, and the whole suite finishes in minutes on two cores.
/// </summary>
/// <remarks>
/// In-process (<see cref="InProcessEmitToolchain"/>): the benchmarks run inside this program, whose
/// <c>TorchNative.EnsureLoaded</c> binds TorchSharp to libtorch (patching it on systems with an older libstdc++),
/// and no second project has to be generated and built. Results and logs go under the build output (bin/),
/// which git ignores, instead of BenchmarkDotNet.Artifacts in the current folder.
/// </remarks>
public sealed class FastConfig : ManualConfig
{
    public FastConfig()
    {
        Add(DefaultConfig.Instance);
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithId("InProcessFast")
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(8)
            // Operations shorter than this are repeated within an iteration (the pilot stage picks how often);
            // an unroll factor of 1 lets it pick any count instead of multiples of 16.
            .WithIterationTime(TimeInterval.FromMilliseconds(250))
            .WithUnrollFactor(1));
        ArtifactsPath = Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts");
        // Within a class, each category has its own baseline (e.g. forward and forward+backward).
        AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory);
        // Native work on a shared machine has a long tail: the median is the figure to quote.
        AddColumn(StatisticColumn.Median);
    }
}
