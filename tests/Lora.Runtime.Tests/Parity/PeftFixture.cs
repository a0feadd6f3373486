using Lora.Runtime.Tensors;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Parity;

/// <summary>One folder of ../shared/fixtures/peft: its base model, adapter and expected outputs.</summary>
public sealed class PeftFixture
{
    public PeftFixture(string name)
    {
        Name = name;
        Folder = Directory.Exists(Path.Combine(RepoPaths.FixturesRoot, name)) ? RepoPaths.Fixture(name) : RepoPaths.H200Fixture(name);
        Expected = TensorFiles.ReadAll(Path.Combine(Folder, "expected.safetensors"));
    }

    public string Name { get; }
    public string Folder { get; }
    public string BaseDir => Path.Combine(Folder, "base");
    public string AdapterDir => Path.Combine(Folder, "adapter");
    public Dictionary<string, Tensor> Expected { get; }
    public Tensor this[string key] => Expected.TryGetValue(key, out var t) ? t : throw new KeyNotFoundException($"{Name}/expected.safetensors has no '{key}'");

    public static readonly TheoryData<string> ParityNames = new() { "tiny-gpt2", "tiny-llama", "tiny-llama-all-linear-bias", "tiny-llama-dora", "tiny-llama3-rope", "tiny-qwen3", "tiny-phi3-longrope", "tiny-gemma2", "tiny-gemma3" };
}

/// <summary>The fixture README's tolerance measure: ‖out − ref‖ / ‖ref‖.</summary>
public static class Tolerance
{
    public const double Logits = 1e-5, Gradients = 1e-4, Loss = 1e-5;

    public static double RelativeError(Tensor actual, Tensor expected)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var a = actual.detach().to_type(ScalarType.Float64);
        using var e = expected.detach().to_type(ScalarType.Float64);
        return (a - e).norm().item<double>() / Math.Max(e.norm().item<double>(), 1e-30);
    }

    public static void Close(Tensor actual, Tensor expected, double tolerance, string what)
    {
        double err = RelativeError(actual, expected);
        Assert.True(err <= tolerance, $"{what}: relative error {err:E3} exceeds {tolerance:E0}");
    }
}
