using Lora.Runtime.Experiments;
using Lora.Runtime.Tensors;

namespace Lora.Runtime.Tests.Experiments;

/// <summary>
/// Builds on one machine take turns per device: a runner that finds the device's lock held says so and waits, and
/// computes once it is released; with ShareDevice it does not wait. The lock is held here by the test, as another
/// build's runner would hold it, so nothing depends on timing.
/// </summary>
[Collection(nameof(DeviceTurnTests))]   // the CPU's lock is machine-wide: these tests must not hold it against each other
public class DeviceTurnTests
{
    static (Task<int> Run, StringWriter Output) Start(TempFolder dir, bool share)
    {
        var config = FixtureExperiment.Config(dir.Path, FixtureExperiment.WriteDataset(dir)) with { Merge = null };
        var output = new StringWriter();
        var host = new ExperimentHost(new RunnerOptions { ArtifactsRoot = dir.Child("artifacts"), ShareDevice = share }, new BuildProtocol(TextWriter.Synchronized(output)));
        return (Task.Run(() => host.Run([config], [], default)), output);
    }

    [Fact]
    public async Task A_build_waits_for_the_device_another_build_holds_then_trains()
    {
        using var dir = new TempFolder();
        var cpu = Devices.Resolve("cpu", out _);
        Task<int> run;
        StringWriter output;
        using (ExperimentLock.AcquireDevice(cpu, "another build", _ => { }, default))
        {
            (run, output) = Start(dir, share: false);
            Assert.True(SpinWait.SpinUntil(() => output.ToString().Contains("another build is computing on the CPU"), TimeSpan.FromMinutes(2)),
                "no waiting message:\n" + output);
            Assert.DoesNotContain("train-tiny-llama: training", output.ToString());
            Assert.False(run.IsCompleted);
        }
        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromMinutes(5)));
        Assert.Contains("train-tiny-llama: training", output.ToString());
    }

    [Fact]
    public async Task A_build_that_shares_the_device_does_not_wait()
    {
        using var dir = new TempFolder();
        var cpu = Devices.Resolve("cpu", out _);
        using (ExperimentLock.AcquireDevice(cpu, "another build", _ => { }, default))
        {
            var (run, output) = Start(dir, share: true);
            Assert.Equal(0, await run.WaitAsync(TimeSpan.FromMinutes(5)));
            Assert.DoesNotContain("waiting", output.ToString());
        }
    }
}
