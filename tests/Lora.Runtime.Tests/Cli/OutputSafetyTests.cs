using System.Security.Cryptography;

namespace Lora.Runtime.Tests.Cli;

/// <summary>
/// No verb writes over, into or around its own input, and an existing output is replaced only with --overwrite. Each
/// refusal is checked to leave the input byte for byte as it was.
/// </summary>
public class OutputSafetyTests
{
    /// <summary>A copy of the tiny Llama fixture's base model, with a hash of every file in it.</summary>
    sealed class ModelCopy : IDisposable
    {
        readonly TempFolder _temp = new();
        public ModelCopy()
        {
            Folder = _temp.Child("model");
            Directory.CreateDirectory(Folder);
            foreach (var file in Directory.GetFiles(RepoPaths.Fixture("tiny-llama", "base")))
                File.Copy(file, Path.Combine(Folder, Path.GetFileName(file)));
            Hashes = Snapshot();
        }

        public string Folder { get; }
        public string Temp(string name) => _temp.Child(name);
        IReadOnlyDictionary<string, string> Hashes { get; }

        Dictionary<string, string> Snapshot() => Directory.GetFiles(_temp.Path, "*", SearchOption.AllDirectories)
            .Where(f => f.StartsWith(Folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .ToDictionary(f => f, f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

        public void AssertUntouched() => Assert.Equal(Hashes.OrderBy(p => p.Key), Snapshot().OrderBy(p => p.Key));
        public void Dispose() => _temp.Dispose();
    }

    [Fact]
    public void Quantize_over_its_own_model_is_refused_and_the_model_is_untouched()
    {
        using var model = new ModelCopy();
        CliRun.Of("quantize", "--model", model.Folder, "--out", model.Folder).AssertFailedWith("is the --model");
        CliRun.Of("quantize", "--model", model.Folder, "--out", model.Folder + Path.DirectorySeparatorChar, "--overwrite").AssertFailedWith("is the --model");
        CliRun.Of("quantize", "--model", model.Folder, "--out", Path.Combine(model.Folder, "q")).AssertFailedWith("is inside the --model folder");
        CliRun.Of("quantize", "--model", model.Folder, "--out", Path.GetDirectoryName(model.Folder)!, "--overwrite").AssertFailedWith("holds the --model");
        model.AssertUntouched();
    }

    [Fact]
    public void A_link_to_the_model_is_the_model()
    {
        using var model = new ModelCopy();
        var link = model.Temp("link");
        Directory.CreateSymbolicLink(link, model.Folder);
        CliRun.Of("quantize", "--model", model.Folder, "--out", link, "--overwrite").AssertFailedWith("is the --model");
        model.AssertUntouched();
    }

    [Fact]
    public void An_existing_output_is_replaced_only_with_overwrite_and_then_whole()
    {
        using var model = new ModelCopy();
        var output = model.Temp("quantized");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "notes.txt"), "keep me");
        CliRun.Of("quantize", "--model", model.Folder, "--out", output).AssertFailedWith("exists and is not empty; pass --overwrite");
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(output, "notes.txt")));

        CliRun.Of("quantize", "--model", model.Folder, "--out", output, "--overwrite").AssertSucceeded();
        Assert.False(File.Exists(Path.Combine(output, "notes.txt")));
        Assert.True(File.Exists(Path.Combine(output, "model.safetensors")));
        model.AssertUntouched();
    }

    [Fact]
    public void Logits_never_write_into_the_model_and_replace_a_file_only_with_overwrite()
    {
        using var model = new ModelCopy();
        CliRun.Of("logits", "--model", model.Folder, "--ids", "1,2,3", "--out", Path.Combine(model.Folder, "model.safetensors"), "--overwrite")
            .AssertFailedWith("is inside the --model folder");
        CliRun.Of("logits", "--model", model.Folder, "--ids", "1,2,3", "--out", model.Folder, "--overwrite").AssertFailedWith("is the --model");
        model.AssertUntouched();

        var file = model.Temp("logits.safetensors");
        File.WriteAllText(file, "an older file");
        CliRun.Of("logits", "--model", model.Folder, "--ids", "1,2,3", "--out", file).AssertFailedWith("exists; pass --overwrite");
        Assert.Equal("an older file", File.ReadAllText(file));
        CliRun.Of("logits", "--model", model.Folder, "--ids", "1,2,3", "--out", file, "--overwrite").AssertSucceeded();
        Assert.NotEqual("an older file", File.ReadAllText(file));
    }

    [Fact]
    public void Merge_never_writes_into_its_adapter()
    {
        var fx = new Parity.PeftFixture("tiny-llama");
        CliRun.Of("merge", "--model", fx.BaseDir, "--adapter", fx.AdapterDir, "--out", Path.Combine(fx.AdapterDir, "merged"))
            .AssertFailedWith("is inside the --adapter folder");
        CliRun.Of("merge", "--model", fx.BaseDir, "--adapter", fx.AdapterDir, "--out", fx.AdapterDir, "--overwrite").AssertFailedWith("is the --adapter");
        Assert.False(Directory.Exists(Path.Combine(fx.AdapterDir, "merged")));
    }
}
