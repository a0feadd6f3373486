using System.Runtime.InteropServices;
using Lora.Runtime.Safetensors;
using Xunit;

namespace Lora.Runtime.Tests.Safetensors;

/// <summary>Reading files that Hugging Face transformers and safetensors 0.8 wrote (../shared/fixtures/peft).</summary>
public sealed class FixtureFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string TinyLlamaBase => RepoPaths.Fixture("tiny-llama", "base", "model.safetensors");

    [Fact]
    public void Tiny_llama_base_model_has_the_entries_its_config_implies()
    {
        using var file = SafetensorsFile.Open(TinyLlamaBase);

        // config.json: vocab_size 512, hidden_size 64, intermediate_size 160, 2 layers, 2 KV heads of 16.
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal(2 + 2 * 9 + 1, file.Entries.Count);
        Assert.Equal(new TensorEntry("model.embed_tokens.weight", SafetensorsDType.F32, [512, 64], 131072, 262144), file.Get("model.embed_tokens.weight"));
        Assert.Equal([160L, 64L], file.Get("model.layers.1.mlp.up_proj.weight").Shape);
        Assert.Equal([32L, 64L], file.Get("model.layers.0.self_attn.k_proj.weight").Shape);
        Assert.Equal("lm_head.weight", file.Entries[0].Name);
        Assert.Equal(new FileInfo(TinyLlamaBase).Length, file.Header.DataStart + file.Header.DataLength);
    }

    [Fact]
    public void Tiny_llama_base_model_bytes_hold_the_known_values()
    {
        using var file = SafetensorsFile.Open(TinyLlamaBase);

        // Values read from the file with Python's struct module.
        var embed = MemoryMarshal.Cast<byte, float>(file.GetBytes(file.Get("model.embed_tokens.weight")));
        Assert.Equal([-0.01581430993974209f, -0.027804609388113022f, 0.0008484455174766481f, -0.007557320408523083f], embed[..4].ToArray());
        var norm = MemoryMarshal.Cast<byte, float>(file.GetBytes(file.Get("model.norm.weight")));
        Assert.All(norm.ToArray(), value => Assert.Equal(1f, value));
    }

    [Fact]
    public void Tiny_llama_expected_outputs_hold_int64_input_ids()
    {
        using var file = SafetensorsFile.Open(RepoPaths.Fixture("tiny-llama", "expected.safetensors"));

        var entry = file.Get("input_ids");
        Assert.Equal(SafetensorsDType.I64, entry.DType);
        Assert.Equal([2L, 12L], entry.Shape);
        var ids = MemoryMarshal.Cast<byte, long>(file.GetBytes(entry));
        Assert.Equal([175L, 196, 25, 502, 67, 211, 407, 103, 348, 185, 398, 23], ids[..12].ToArray());
    }

    [Fact]
    public void Base_model_folder_resolves_through_checkpoint_files()
    {
        using var checkpoint = CheckpointFiles.Open(RepoPaths.Fixture("tiny-llama", "base"));

        Assert.Contains("model.layers.1.self_attn.v_proj.weight", checkpoint.TensorNames);
        Assert.Equal([64L], checkpoint.Get("model.norm.weight").Entry.Shape);
    }

    [Fact]
    public void Rewriting_the_fixture_reproduces_the_reference_writer_byte_for_byte()
    {
        using var original = SafetensorsFile.Open(TinyLlamaBase);
        var copy = _folder.File("model.safetensors");

        SafetensorsWriter.Write(copy,
            original.Entries.Select(e => TensorToWrite.FromBytes(e.Name, e.DType, e.Shape, original.GetBytes(e).ToArray())).ToList(),
            original.Metadata);

        Assert.Equal(File.ReadAllBytes(TinyLlamaBase), File.ReadAllBytes(copy));
    }
}
