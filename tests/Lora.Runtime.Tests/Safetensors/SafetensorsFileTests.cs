using Lora.Runtime.Safetensors;
using Xunit;

namespace Lora.Runtime.Tests.Safetensors;

/// <summary>Looking tensors up and reading their bytes from a mapped file.</summary>
public sealed class SafetensorsFileTests : IDisposable
{
    private static readonly string[] Names =
    [
        "model.embed_tokens.weight",
        "model.layers.0.self_attn.q_proj.weight",
        "model.layers.0.self_attn.k_proj.weight",
        "model.layers.1.self_attn.q_proj.weight",
        "model.norm.weight",
    ];

    private readonly TempFolder _folder = new();
    private readonly List<TensorToWrite> _tensors;
    private readonly string _path;

    public SafetensorsFileTests()
    {
        _tensors = Names.Select((name, i) => RawSafetensors.RandomTensor(name, SafetensorsDType.F32, [4, i + 1], seed: i)).ToList();
        _path = _folder.File("model.safetensors");
        SafetensorsWriter.Write(_path, _tensors);
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Unknown_tensor_name_lists_the_closest_available_names()
    {
        using var file = SafetensorsFile.Open(_path);

        var ex = Assert.Throws<KeyNotFoundException>(() => file.Get("model.layers.0.q_proj.weight"));
        Assert.StartsWith($"{_path}: no tensor named 'model.layers.0.q_proj.weight'; it has 5 tensors; the closest names are 'model.layers.0.self_attn.q_proj.weight', ", ex.Message);
        Assert.False(file.TryGet("model.layers.0.q_proj.weight", out _));
    }

    [Fact]
    public void TryGet_finds_an_entry_by_name()
    {
        using var file = SafetensorsFile.Open(_path);

        Assert.True(file.TryGet("model.norm.weight", out var entry));
        Assert.Equal([4L, 5L], entry.Shape);
        Assert.Equal(20, entry.ElementCount);
        Assert.Equal(80, entry.ByteLength);
    }

    [Fact]
    public void CopyTo_copies_exactly_the_tensor_bytes()
    {
        using var file = SafetensorsFile.Open(_path);
        var entry = file.Get(Names[2]);
        var destination = new byte[entry.ByteLength];

        file.CopyTo(entry, destination);

        Assert.Equal(_tensors[2].Bytes.ToArray(), destination);
    }

    [Fact]
    public void CopyTo_refuses_a_destination_of_the_wrong_size()
    {
        using var file = SafetensorsFile.Open(_path);
        var entry = file.Get(Names[1]);

        var ex = Assert.Throws<ArgumentException>(() => file.CopyTo(entry, new byte[entry.ByteLength + 1]));
        Assert.Contains($"tensor '{Names[1]}' (F32 [4, 2]) is 32 bytes but the destination is 33", ex.Message);
    }

    [Fact]
    public void GetBytes_reads_a_slice_and_refuses_one_outside_the_tensor()
    {
        using var file = SafetensorsFile.Open(_path);
        var entry = file.Get(Names[3]);

        Assert.Equal(_tensors[3].Bytes.Slice(8, 4).ToArray(), file.GetBytes(entry, 8, 4).ToArray());
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => file.GetBytes(entry, entry.ByteLength - 2, 4));
        Assert.Contains($"bytes [62, 66) are outside tensor '{Names[3]}', which is 64 bytes", ex.Message);
    }

    [Fact]
    public void Entry_that_does_not_belong_to_the_file_is_refused()
    {
        using var file = SafetensorsFile.Open(_path);
        var real = file.Get(Names[0]);
        var forged = real with { Begin = real.Begin + 4, End = real.End + 4 };

        var ex = Assert.Throws<ArgumentException>(() => file.GetBytes(forged));
        Assert.Contains("is not an entry of this file", ex.Message);
    }

    [Fact]
    public void Entry_equal_to_one_from_the_file_is_accepted()
    {
        using var file = SafetensorsFile.Open(_path);
        var real = file.Get(Names[0]);
        var copy = new TensorEntry(real.Name, real.DType, [.. real.Shape], real.Begin, real.End);

        Assert.Equal(_tensors[0].Bytes.ToArray(), file.GetBytes(copy).ToArray());
    }

    [Fact]
    public void Reading_after_dispose_is_refused()
    {
        var file = SafetensorsFile.Open(_path);
        var entry = file.Get(Names[0]);
        file.Dispose();
        file.Dispose();

        Assert.Throws<ObjectDisposedException>(() => file.GetBytes(entry).Length);
    }

    [Fact]
    public void Mapped_file_keeps_its_content_when_an_atomic_write_replaces_it()
    {
        using var file = SafetensorsFile.Open(_path);
        SafetensorsWriter.Write(_path, [RawSafetensors.RandomTensor("other", SafetensorsDType.U8, [3], 99)]);

        Assert.Equal(_tensors[4].Bytes.ToArray(), file.GetBytes(file.Get(Names[4])).ToArray());
        using var replaced = SafetensorsFile.Open(_path);
        Assert.Equal(["other"], replaced.Entries.Select(e => e.Name));
    }

    [Fact]
    public void Entry_prints_name_dtype_shape_and_offsets()
    {
        Assert.Equal("w BF16 [2, 3] bytes [8, 20)", new TensorEntry("w", SafetensorsDType.BF16, [2, 3], 8, 20).ToString());
    }
}
