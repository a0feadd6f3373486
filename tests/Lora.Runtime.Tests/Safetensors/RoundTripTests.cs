using System.Buffers.Binary;
using System.Text;
using Lora.Runtime.Safetensors;
using Xunit;

namespace Lora.Runtime.Tests.Safetensors;

/// <summary>What the writer writes, the reader reads back bit for bit.</summary>
public sealed class RoundTripTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<SafetensorsDType> AllDTypes() => new(SafetensorsDTypes.All);

    [Theory]
    [MemberData(nameof(AllDTypes))]
    public void Every_dtype_round_trips_bit_identically(SafetensorsDType dtype)
    {
        var tensor = RawSafetensors.RandomTensor("t", dtype, [3, 5], seed: (int)dtype + 1);
        var path = _folder.File("t.safetensors");
        SafetensorsWriter.Write(path, [tensor]);

        using var file = SafetensorsFile.Open(path);
        var entry = Assert.Single(file.Entries);
        Assert.Equal(new TensorEntry("t", dtype, [3, 5], 0, 15L * dtype.ElementSize()), entry);
        Assert.Equal(tensor.Bytes.ToArray(), file.GetBytes(entry).ToArray());
    }

    [Fact]
    public void All_dtypes_in_one_file_keep_their_order_offsets_and_bytes()
    {
        // Odd element counts put later tensors at unaligned offsets, which the format allows.
        var tensors = SafetensorsDTypes.All
            .Select((dtype, i) => RawSafetensors.RandomTensor($"t{i}.{dtype.ToHeaderName()}", dtype, [i + 1, 3], seed: 100 + i))
            .ToList();
        var path = _folder.File("mixed.safetensors");
        SafetensorsWriter.Write(path, tensors);

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(tensors.Select(t => t.Name), file.Entries.Select(e => e.Name));
        long offset = 0;
        foreach (var (tensor, entry) in tensors.Zip(file.Entries))
        {
            Assert.Equal(tensor.DType, entry.DType);
            Assert.Equal(tensor.Shape, entry.Shape);
            Assert.Equal(offset, entry.Begin);
            Assert.Equal(tensor.Bytes.ToArray(), file.GetBytes(entry).ToArray());
            offset = entry.End;
        }

        Assert.Equal(offset, file.Header.DataLength);
    }

    [Fact]
    public void Metadata_round_trips_including_unicode_quotes_and_empty_values()
    {
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["note"] = "line 1\nline \"2\" – ünïcødé ✓",
            ["empty"] = "",
        };
        var path = _folder.File("meta.safetensors");
        SafetensorsWriter.Write(path, [RawSafetensors.RandomTensor("w", SafetensorsDType.F32, [2], 1)], metadata);

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(metadata.OrderBy(p => p.Key), file.Metadata.OrderBy(p => p.Key));
    }

    [Fact]
    public void File_without_metadata_reads_as_empty_metadata_and_writes_no_metadata_key()
    {
        var path = _folder.File("plain.safetensors");
        SafetensorsWriter.Write(path, [RawSafetensors.RandomTensor("w", SafetensorsDType.F32, [2], 1)]);

        using var file = SafetensorsFile.Open(path);
        Assert.Empty(file.Metadata);
        Assert.DoesNotContain("__metadata__", Encoding.UTF8.GetString(File.ReadAllBytes(path)));
    }

    [Fact]
    public void Unicode_tensor_names_round_trip_unescaped()
    {
        var path = _folder.File("names.safetensors");
        SafetensorsWriter.Write(path, [RawSafetensors.RandomTensor("Gewichte.größe<1>+\"q\"", SafetensorsDType.F32, [2], 1)]);

        using var file = SafetensorsFile.Open(path);
        Assert.True(file.TryGet("Gewichte.größe<1>+\"q\"", out _));
        Assert.Contains("größe<1>+", Encoding.UTF8.GetString(File.ReadAllBytes(path)));
    }

    [Fact]
    public void Scalar_and_empty_tensors_round_trip()
    {
        var path = _folder.File("edge.safetensors");
        SafetensorsWriter.Write(path,
        [
            RawSafetensors.RandomTensor("scalar", SafetensorsDType.F64, [], 1),
            RawSafetensors.RandomTensor("empty.a", SafetensorsDType.F32, [0, 4], 2),
            RawSafetensors.RandomTensor("empty.b", SafetensorsDType.I8, [3, 0], 3),
            RawSafetensors.RandomTensor("after", SafetensorsDType.I16, [2], 4),
        ]);

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(["scalar", "empty.a", "empty.b", "after"], file.Entries.Select(e => e.Name));
        var scalar = file.Get("scalar");
        Assert.Empty(scalar.Shape);
        Assert.Equal(1, scalar.ElementCount);
        Assert.Equal(8, file.GetBytes(scalar).Length);
        Assert.Equal(0, file.GetBytes(file.Get("empty.a")).Length);
        Assert.Equal(new TensorEntry("empty.b", SafetensorsDType.I8, [3, 0], 8, 8), file.Get("empty.b"));
        Assert.Equal(new TensorEntry("after", SafetensorsDType.I16, [2], 8, 12), file.Get("after"));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("ab")]
    [InlineData("abc")]
    [InlineData("abcd")]
    [InlineData("abcde")]
    [InlineData("abcdef")]
    [InlineData("abcdefg")]
    [InlineData("abcdefgh")]
    public void Header_is_padded_with_spaces_to_a_multiple_of_8(string name)
    {
        var path = _folder.File("pad.safetensors");
        SafetensorsWriter.Write(path, [RawSafetensors.RandomTensor(name, SafetensorsDType.U8, [3], 1)]);

        var bytes = File.ReadAllBytes(path);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, headerLength % 8);
        var header = Encoding.UTF8.GetString(bytes, 8, headerLength);
        var json = header.TrimEnd(' ');
        Assert.EndsWith("}", json);
        Assert.True(header.Length - json.Length < 8, $"{header.Length - json.Length} padding spaces");
        Assert.Equal(8 + headerLength + 3, bytes.Length);
    }

    [Fact]
    public void Header_json_matches_the_reference_writer_layout()
    {
        var path = _folder.File("layout.safetensors");
        SafetensorsWriter.Write(path, [RawSafetensors.RandomTensor("w", SafetensorsDType.BF16, [2, 3], 1)], new Dictionary<string, string> { ["format"] = "pt" });

        var bytes = File.ReadAllBytes(path);
        var header = Encoding.UTF8.GetString(bytes, 8, (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        Assert.Equal("""{"__metadata__":{"format":"pt"},"w":{"dtype":"BF16","shape":[2,3],"data_offsets":[0,12]}}""", header.TrimEnd(' '));
    }

    [Fact]
    public void Tensor_written_by_a_callback_round_trips()
    {
        var bytes = RawSafetensors.RandomBytes(4 * 6, seed: 9);
        var path = _folder.File("callback.safetensors");
        SafetensorsWriter.Write(path,
        [
            TensorToWrite.FromCallback("streamed", SafetensorsDType.F32, [2, 3], output =>
            {
                // Written in pieces, as a copy out of device memory would be.
                output.Write(bytes, 0, 10);
                output.WriteByte(bytes[10]);
                output.Write(bytes.AsSpan(11));
            }),
        ]);

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(bytes, file.GetBytes(file.Get("streamed")).ToArray());
    }

    [Fact]
    public void Writing_to_a_stream_gives_a_file_the_header_reader_accepts()
    {
        using var stream = new MemoryStream();
        SafetensorsWriter.Write(stream, [RawSafetensors.RandomTensor("w", SafetensorsDType.I32, [4], 1)]);
        stream.Position = 0;

        var header = SafetensorsHeader.Read("memory", stream);
        Assert.Equal(new TensorEntry("w", SafetensorsDType.I32, [4], 0, 16), Assert.Single(header.Entries));
        Assert.Equal(stream.Length, header.DataStart + header.DataLength);
    }

    [Fact]
    public void Entries_come_in_offset_order_whatever_the_header_order()
    {
        var path = _folder.Write("reordered.safetensors", RawSafetensors.Build("""
            {"b": {"dtype":"F32","shape":[1],"data_offsets":[4,8]},
             "z": {"dtype":"F32","shape":[0],"data_offsets":[4,4]},
             "a": {"dtype":"F32","shape":[1],"data_offsets":[0,4]}}
            """, 8));

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(["a", "z", "b"], file.Entries.Select(e => e.Name));
    }

    [Fact]
    public void Unknown_entry_fields_are_ignored_as_the_reference_reader_ignores_them()
    {
        var path = _folder.Write("extra.safetensors", RawSafetensors.Build("""
            {"a": {"dtype":"F32","shape":[1],"data_offsets":[0,4],"quantization":{"bits":[4]}}}
            """, 4));

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(new TensorEntry("a", SafetensorsDType.F32, [1], 0, 4), Assert.Single(file.Entries));
    }

    [Fact]
    public void Empty_file_with_only_a_header_is_valid()
    {
        var path = _folder.File("none.safetensors");
        SafetensorsWriter.Write(path, [], new Dictionary<string, string> { ["k"] = "v" });

        using var file = SafetensorsFile.Open(path);
        Assert.Empty(file.Entries);
        Assert.Equal("v", file.Metadata["k"]);
    }
}
