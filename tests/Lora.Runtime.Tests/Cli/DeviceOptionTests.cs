using Lora.Runtime.Native;

namespace Lora.Runtime.Tests.Cli;

/// <summary>Every verb that computes takes --device; a GPU that is not there is refused before anything is read or written.</summary>
public class DeviceOptionTests
{
    static string Base => RepoPaths.Fixture("tiny-llama", "base");
    static string Adapter => RepoPaths.Fixture("tiny-llama", "adapter");

    static List<string[]> ComputingVerbs(string output) =>
    [
        ["logits", "--model", Base, "--ids", "1,2,3", "--out", Path.Combine(output, "logits.safetensors")],
        ["generate", "--model", Base, "--ids", "1,2,3", "--max-new-tokens", "2"],
        ["merge", "--model", Base, "--adapter", Adapter, "--out", Path.Combine(output, "merged")],
    ];

    [Fact]
    public void Cuda_where_there_is_none_fails_with_the_reason_and_writes_nothing()
    {
        if (Nvml.UsedMiB() is not null) return;   // a machine with a GPU: nothing to refuse
        using var dir = new TempFolder();
        foreach (var args in ComputingVerbs(dir.Path))
        {
            var run = CliRun.Of([.. args, "--device", "cuda"]).AssertFailedWith("CUDA is not available");
            Assert.DoesNotContain("internal error", run.Stderr);
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public void An_unknown_device_is_a_usage_error_naming_the_accepted_ones()
    {
        using var dir = new TempFolder();
        foreach (var args in ComputingVerbs(dir.Path))
            CliRun.Of([.. args, "--device", "gpu"]).AssertFailedWith("--device 'gpu': expected cpu, cuda, cuda:N or auto");
    }

    [Fact]
    public void The_cpu_device_gives_the_default_result()
    {
        using var dir = new TempFolder();
        var plain = CliRun.Of("generate", "--model", Base, "--ids", "1,2,3", "--max-new-tokens", "4").AssertSucceeded();
        var onCpu = CliRun.Of("generate", "--model", Base, "--ids", "1,2,3", "--max-new-tokens", "4", "--device", "auto").AssertSucceeded();
        Assert.Equal(plain.Stdout, onCpu.Stdout);
    }
}
