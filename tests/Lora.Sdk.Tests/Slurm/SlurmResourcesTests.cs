using Lora.Sdk.Tasks.Slurm;

namespace Lora.Sdk.Tests.Slurm;

/// <summary>What a job array asks Slurm for, from the experiments' estimates and the build's settings.</summary>
public sealed class SlurmResourcesTests
{
    static readonly SlurmSettings Defaults = new("", "", "", "", Wait: true);

    [Fact]
    public void Memory_is_the_largest_estimate_with_its_margin_and_the_signal_leaves_the_grace_period()
    {
        var arguments = SlurmResources.Arguments([new("a/rank-2", 100), new("a/rank-8", 800)], "cpu", timeoutSeconds: 0, graceSeconds: 30, Defaults);
        Assert.Equal(["--mem=" + (1000 + 1024) + "M", "--signal=B:TERM@30"], arguments);
    }

    [Fact]
    public void A_CUDA_device_asks_for_a_GPU_the_timeout_for_whole_minutes_and_the_properties_come_last()
    {
        var settings = new SlurmSettings("gpu", "proj", "high", "--cpus-per-task=8 --constraint=\"a100 80gb\"", Wait: true);
        var arguments = SlurmResources.Arguments([new("a", 0)], "cuda:1", timeoutSeconds: 3601, graceSeconds: 60, settings);
        Assert.Equal(["--mem=1024M", "--signal=B:TERM@60", "--gres=gpu:1", "--time=61", "--partition=gpu", "--account=proj", "--qos=high",
            "--cpus-per-task=8", "--constraint=a100 80gb"], arguments);
        Assert.Equal("cuda", SlurmResources.TaskDevice("cuda:1"));
        Assert.Equal("cpu", SlurmResources.TaskDevice("cpu"));
    }
}
