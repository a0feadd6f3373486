using Lora.Runtime.Safetensors;
using Xunit;

namespace Lora.Runtime.Tests.Safetensors;

/// <summary>The writer validates its input and replaces files atomically.</summary>
public sealed class WriterTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Duplicate_names_are_refused_and_the_old_file_and_folder_stay_as_they_were()
    {
        var path = _folder.Write("model.safetensors", "old content"u8.ToArray());

        var ex = Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path,
        [
            RawSafetensors.RandomTensor("a", SafetensorsDType.F32, [2], 1),
            RawSafetensors.RandomTensor("b", SafetensorsDType.F32, [2], 2),
            RawSafetensors.RandomTensor("a", SafetensorsDType.F32, [2], 3),
        ]));

        Assert.Contains($"Cannot write {path}: tensor name 'a' appears twice (positions 0 and 2)", ex.Message);
        Assert.Equal("old content"u8.ToArray(), File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], _folder.FileNames());
    }

    [Fact]
    public void Failure_while_writing_deletes_the_temp_file_and_keeps_the_old_file()
    {
        var path = _folder.Write("model.safetensors", "old content"u8.ToArray());

        var ex = Assert.Throws<IOException>(() => SafetensorsWriter.Write(path,
        [
            RawSafetensors.RandomTensor("a", SafetensorsDType.F32, [1024], 1),
            TensorToWrite.FromCallback("b", SafetensorsDType.F32, [2], output =>
            {
                output.Write(new byte[4]);
                throw new IOException("device lost");
            }),
        ]));

        Assert.Equal("device lost", ex.Message);
        Assert.Equal("old content"u8.ToArray(), File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], _folder.FileNames());
    }

    [Fact]
    public void Callback_that_writes_too_few_bytes_fails_and_leaves_nothing_behind()
    {
        var path = _folder.File("model.safetensors");

        var ex = Assert.Throws<InvalidOperationException>(() => SafetensorsWriter.Write(path,
            [TensorToWrite.FromCallback("w", SafetensorsDType.F16, [4], output => output.Write(new byte[6]))]));

        Assert.Contains("the callback for tensor 'w' wrote 6 bytes but shape [4] of F16 needs 8", ex.Message);
        Assert.Empty(_folder.FileNames());
    }

    [Fact]
    public void Callback_that_writes_too_many_bytes_is_stopped_at_the_first_extra_byte()
    {
        var path = _folder.File("model.safetensors");

        var ex = Assert.Throws<InvalidOperationException>(() => SafetensorsWriter.Write(path,
            [TensorToWrite.FromCallback("w", SafetensorsDType.F16, [4], output => output.Write(new byte[9]))]));

        Assert.Contains("The callback for tensor 'w' wrote more than the 8 bytes", ex.Message);
        Assert.Empty(_folder.FileNames());
    }

    [Fact]
    public void Successful_write_replaces_the_old_file_and_leaves_no_temp_file()
    {
        var path = _folder.Write("model.safetensors", "old content"u8.ToArray());

        SafetensorsWriter.Write(path, [RawSafetensors.RandomTensor("w", SafetensorsDType.U8, [5], 1)]);

        Assert.Equal(["model.safetensors"], _folder.FileNames());
        using var file = SafetensorsFile.Open(path);
        Assert.Equal("w", Assert.Single(file.Entries).Name);
    }

    [Fact]
    public void Bytes_that_do_not_match_the_shape_are_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => TensorToWrite.FromBytes("w", SafetensorsDType.BF16, [3, 4], new byte[20]));
        Assert.Contains("Tensor 'w': shape [3, 4] of BF16 needs 24 bytes but 20 were given", ex.Message);
    }

    [Fact]
    public void Negative_dimension_is_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => TensorToWrite.FromBytes("w", SafetensorsDType.F32, [2, -3], new byte[0]));
        Assert.Contains("Tensor 'w': shape [2, -3] has a negative dimension at index 1", ex.Message);
    }

    [Fact]
    public void Shape_too_large_to_count_is_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            TensorToWrite.FromCallback("w", SafetensorsDType.F64, [1L << 40, 1L << 30], _ => { }));
        Assert.Contains("is larger than a 64-bit byte count", ex.Message);
    }

    [Theory]
    [InlineData("__metadata__")]
    [InlineData("")]
    public void Reserved_or_empty_tensor_name_is_refused(string name)
    {
        Assert.Throws<ArgumentException>(() => TensorToWrite.FromBytes(name, SafetensorsDType.U8, [1], new byte[1]));
    }

    [Fact]
    public void Shape_is_copied_so_later_changes_to_the_callers_array_do_not_leak_in()
    {
        long[] shape = [2, 2];
        var tensor = TensorToWrite.FromBytes("w", SafetensorsDType.U8, shape, new byte[4]);
        shape[0] = 100;

        Assert.Equal([2L, 2L], tensor.Shape);
    }
}
