using Lora.Runtime.Safetensors;
using Xunit;

namespace Lora.Runtime.Tests.Safetensors;

/// <summary>Every way a safetensors file can be broken is refused with a message naming the file, the tensor and the problem.</summary>
public sealed class MalformedFileTests : IDisposable
{
    private const string Valid = """{"dtype":"F32","shape":[2],"data_offsets":[0,8]}""";
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    // ---- length prefix ----

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(7)]
    public void File_shorter_than_the_length_prefix_is_refused(int length)
    {
        var ex = OpenFails(new byte[length], tensor: null);
        Assert.Contains($"the file is {length} bytes, shorter than the 8-byte header length", ex.Message);
    }

    [Fact]
    public void Header_length_past_the_end_of_the_file_is_refused()
    {
        var ex = OpenFails(RawSafetensors.WithPrefix(100, "{}        "u8.ToArray()), tensor: null);
        Assert.Contains("says 100 bytes but only 10 bytes follow", ex.Message);
        Assert.Contains("truncated", ex.Message);
    }

    [Theory]
    [InlineData(1UL << 62)]
    [InlineData(ulong.MaxValue)]
    [InlineData(100_000_001UL)]
    public void Absurd_header_length_fails_fast_without_allocating(ulong headerLength)
    {
        var path = _folder.Write("broken.safetensors", RawSafetensors.WithPrefix(headerLength, "{}"u8.ToArray()));

        var before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Record.Exception(() => SafetensorsFile.Open(path).Dispose());
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var formatError = Assert.IsType<SafetensorsFormatException>(ex);
        Assert.True(allocated < 1_000_000, $"Opening allocated {allocated} bytes before refusing the header length.");
        Assert.Equal($"{path}: the header length prefix says {headerLength} bytes, more than the 100000000-byte limit; this is not a safetensors file or its first bytes are damaged", formatError.Message);
        Assert.Null(formatError.TensorName);
    }

    [Fact]
    public void Empty_header_is_refused()
    {
        var ex = OpenFails(RawSafetensors.Build(""u8.ToArray(), 0), tensor: null);
        Assert.Contains("the header is empty", ex.Message);
    }

    // ---- header JSON ----

    [Fact]
    public void Header_that_is_not_json_is_refused()
    {
        var ex = OpenFails(RawSafetensors.Build("{this is not json}", 0), tensor: null);
        Assert.Contains("the header is not valid JSON", ex.Message);
        Assert.IsAssignableFrom<System.Text.Json.JsonException>(ex.InnerException);
    }

    [Fact]
    public void Header_that_is_cut_off_mid_object_is_refused()
    {
        var ex = OpenFails(RawSafetensors.Build("""{"w":{"dtype":"F32","shape":[2]""", 0), tensor: null);
        Assert.Contains("the header is not valid JSON", ex.Message);
    }

    [Fact]
    public void Header_that_is_a_json_array_is_refused()
    {
        var ex = OpenFails(RawSafetensors.Build("[1, 2]", 0), tensor: null);
        Assert.Contains("must be a JSON object starting with '{', found byte 0x5B ('[')", ex.Message);
    }

    [Fact]
    public void Header_with_leading_whitespace_is_refused_as_the_reference_reader_does()
    {
        var ex = OpenFails(RawSafetensors.Build(" {}", 0), tensor: null);
        Assert.Contains("starting with '{', found byte 0x20", ex.Message);
    }

    [Fact]
    public void Header_with_content_after_the_object_is_refused()
    {
        var ex = OpenFails(RawSafetensors.Build("{} {}", 0), tensor: null);
        Assert.Contains("the header is not valid JSON", ex.Message);
    }

    [Fact]
    public void Header_that_is_not_utf8_is_refused()
    {
        byte[] header = [.. "{\"w\u00e9"u8, 0xFF, .. "\":1}"u8];
        var ex = OpenFails(RawSafetensors.Build(header, 0), tensor: null);
        Assert.Contains("the header is not valid UTF-8 (first bad byte at header offset 5)", ex.Message);
    }

    // ---- one entry ----

    [Fact]
    public void Entry_that_is_not_an_object_is_refused()
    {
        var ex = OpenFails("""{"w": 5}""", 0, "w");
        Assert.Contains("expected an object with \"dtype\", \"shape\" and \"data_offsets\", found number 5", ex.Message);
    }

    [Fact]
    public void Entry_without_dtype_is_refused()
    {
        var ex = OpenFails("""{"w": {"shape":[2],"data_offsets":[0,8]}}""", 8, "w");
        Assert.Contains("missing \"dtype\";", ex.Message);
    }

    [Fact]
    public void Entry_without_shape_and_offsets_names_both()
    {
        var ex = OpenFails("""{"w": {"dtype":"F32"}}""", 0, "w");
        Assert.Contains("missing \"shape\", \"data_offsets\"", ex.Message);
    }

    [Fact]
    public void Dtype_that_is_not_a_string_is_refused()
    {
        var ex = OpenFails("""{"w": {"dtype":4,"shape":[2],"data_offsets":[0,8]}}""", 8, "w");
        Assert.Contains("\"dtype\" must be a string such as \"F32\", found number 4", ex.Message);
    }

    [Theory]
    [InlineData("F33")]
    [InlineData("f32")]
    [InlineData("float32")]
    public void Unknown_dtype_is_refused_naming_the_tensor(string dtype)
    {
        var ex = OpenFails($$$"""{"h.0.attn.c_attn.weight": {"dtype":"{{{dtype}}}","shape":[2],"data_offsets":[0,8]}}""", 8, "h.0.attn.c_attn.weight");
        Assert.Contains($"unknown dtype '{dtype}'", ex.Message);
        Assert.Contains("F32, F16, BF16, F64, I64, I32, I16, U8, I8, BOOL", ex.Message);
    }

    [Fact]
    public void Safetensors_dtype_that_the_sdk_does_not_load_is_called_unsupported()
    {
        var ex = OpenFails("""{"w": {"dtype":"F8_E4M3","shape":[8],"data_offsets":[0,8]}}""", 8, "w");
        Assert.Contains("dtype 'F8_E4M3' is a safetensors dtype that Lora.Sdk does not support", ex.Message);
    }

    [Fact]
    public void Shape_that_is_not_an_array_is_refused()
    {
        var ex = OpenFails("""{"w": {"dtype":"F32","shape":"2x2","data_offsets":[0,16]}}""", 16, "w");
        Assert.Contains("\"shape\" must be an array of integers, found string \"2x2\"", ex.Message);
    }

    [Theory]
    [InlineData("[2, \"3\"]", "found string \"3\"")]
    [InlineData("[2, 1.5]", "found number 1.5")]
    [InlineData("[2, 18446744073709551616]", "found number 18446744073709551616")]
    public void Shape_element_that_is_not_an_integer_is_refused(string shape, string found)
    {
        var ex = OpenFails($$$"""{"w": {"dtype":"F32","shape":{{{shape}}},"data_offsets":[0,8]}}""", 8, "w");
        Assert.Contains("\"shape\" element 1 must be an integer", ex.Message);
        Assert.Contains(found, ex.Message);
    }

    [Fact]
    public void Negative_dimension_is_refused()
    {
        var ex = OpenFails("""{"w": {"dtype":"F32","shape":[2,-1],"data_offsets":[0,8]}}""", 8, "w");
        Assert.Contains("shape [2, -1] has a negative dimension (-1 at index 1)", ex.Message);
    }

    [Fact]
    public void Data_offsets_that_are_not_a_pair_are_refused()
    {
        var ex = OpenFails("""{"w": {"dtype":"F32","shape":[2],"data_offsets":[0,4,8]}}""", 8, "w");
        Assert.Contains("\"data_offsets\" must be [begin, end], found 3 numbers [0, 4, 8]", ex.Message);
    }

    [Fact]
    public void Negative_offset_is_refused()
    {
        var ex = OpenFails("""{"w": {"dtype":"F32","shape":[2],"data_offsets":[-8,0]}}""", 8, "w");
        Assert.Contains("data_offsets [-8, 0] must not be negative", ex.Message);
    }

    [Fact]
    public void Offsets_that_begin_after_they_end_are_refused()
    {
        var ex = OpenFails("""{"w": {"dtype":"F32","shape":[2],"data_offsets":[8,0]}}""", 8, "w");
        Assert.Contains("data_offsets [8, 0] begin after they end", ex.Message);
    }

    [Fact]
    public void Shape_whose_size_differs_from_the_offsets_is_refused_with_both_numbers()
    {
        var ex = OpenFails("""{"h.0.attn.c_attn.weight": {"dtype":"F32","shape":[64,192],"data_offsets":[0,49148]}}""", 49148, "h.0.attn.c_attn.weight");
        Assert.EndsWith("broken.safetensors: tensor 'h.0.attn.c_attn.weight': shape [64, 192] of F32 needs 49152 bytes but data_offsets [0, 49148] span 49148", ex.Message);
    }

    [Theory]
    // 2^32 * 2^32 wraps to 0 in unchecked 64-bit arithmetic, which would match the empty span.
    [InlineData("[4294967296, 4294967296]", "I8")]
    // 2^62 elements fit, but 2^62 * 4 bytes wraps to 0.
    [InlineData("[4611686018427387904]", "F32")]
    public void Shape_whose_byte_count_overflows_is_refused_not_wrapped(string shape, string dtype)
    {
        var ex = OpenFails($$$"""{"w": {"dtype":"{{{dtype}}}","shape":{{{shape}}},"data_offsets":[0,0]}}""", 0, "w");
        Assert.Contains("needs more bytes than a 64-bit size can count", ex.Message);
    }

    [Fact]
    public void Tensor_listed_twice_is_refused_although_json_parsers_accept_it()
    {
        var ex = OpenFails($$"""{"w": {{Valid}}, "w": {{Valid}}}""", 8, "w");
        Assert.Contains("lists the key \"w\" twice", ex.Message);
    }

    [Fact]
    public void Field_listed_twice_in_one_entry_is_refused()
    {
        var ex = OpenFails("""{"w": {"dtype":"F32","dtype":"I32","shape":[2],"data_offsets":[0,8]}}""", 8, "w");
        Assert.Contains("the field \"dtype\" appears twice", ex.Message);
    }

    // ---- metadata ----

    [Fact]
    public void Metadata_that_is_not_an_object_is_refused()
    {
        var ex = OpenFails("""{"__metadata__": ["pt"]}""", 0, tensor: null);
        Assert.Contains("\"__metadata__\" must be an object of string keys to string values, found an array", ex.Message);
    }

    [Fact]
    public void Metadata_with_a_non_string_value_is_refused()
    {
        var ex = OpenFails("""{"__metadata__": {"format":"pt","step":5}}""", 0, tensor: null);
        Assert.Contains("\"__metadata__\" entry \"step\" must be a string, found number 5", ex.Message);
    }

    [Fact]
    public void Metadata_with_a_duplicate_key_is_refused()
    {
        var ex = OpenFails("""{"__metadata__": {"format":"pt","format":"np"}}""", 0, tensor: null);
        Assert.Contains("\"__metadata__\" lists the key \"format\" twice", ex.Message);
    }

    [Fact]
    public void Metadata_listed_twice_is_refused()
    {
        var ex = OpenFails("""{"__metadata__": {}, "__metadata__": {}}""", 0, tensor: null);
        Assert.Contains("lists the key \"__metadata__\" twice", ex.Message);
    }

    // ---- layout of the data buffer ----

    [Fact]
    public void Overlapping_tensors_are_refused_naming_both()
    {
        var ex = OpenFails("""
            {"a": {"dtype":"F32","shape":[2],"data_offsets":[0,8]},
             "b": {"dtype":"F32","shape":[2],"data_offsets":[4,12]}}
            """, 12, "b");
        Assert.Contains("data_offsets [4, 12] overlap tensor 'a' at [0, 8]", ex.Message);
    }

    [Fact]
    public void Gap_between_tensors_is_refused_with_the_rule_explained()
    {
        var ex = OpenFails("""
            {"a": {"dtype":"F32","shape":[2],"data_offsets":[0,8]},
             "b": {"dtype":"F32","shape":[2],"data_offsets":[12,20]}}
            """, 20, "b");
        Assert.Contains("begin at 12 but the previous tensor 'a' ends at 8, leaving bytes [8, 12) unowned", ex.Message);
        Assert.Contains("huggingface/safetensors requires the tensors to cover the data buffer contiguously", ex.Message);
    }

    [Fact]
    public void Data_buffer_that_does_not_start_with_a_tensor_is_refused()
    {
        var ex = OpenFails("""{"a": {"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12, "a");
        Assert.Contains("begin at 4 but the data buffer starts at 0, leaving bytes [0, 4) unowned", ex.Message);
    }

    [Fact]
    public void Trailing_bytes_after_the_last_tensor_are_refused()
    {
        var ex = OpenFails($$"""{"a": {{Valid}}}""", 12, tensor: null);
        Assert.Contains("the data buffer is 12 bytes but the last tensor 'a' ends at 8, leaving 4 trailing bytes unowned", ex.Message);
    }

    [Fact]
    public void Offsets_past_the_end_of_the_data_buffer_are_reported_as_truncation()
    {
        var ex = OpenFails($$"""{"a": {{Valid}}}""", 6, "a");
        Assert.Contains("data_offsets [0, 8] reach past the end of the data buffer (6 bytes)", ex.Message);
        Assert.Contains("truncated", ex.Message);
    }

    [Fact]
    public void Truncated_file_names_the_last_tensor_that_does_not_fit()
    {
        var path = _folder.File("broken.safetensors");
        SafetensorsWriter.Write(path,
        [
            RawSafetensors.RandomTensor("first", SafetensorsDType.F32, [4, 4], 1),
            RawSafetensors.RandomTensor("second", SafetensorsDType.F16, [8], 2),
            RawSafetensors.RandomTensor("last", SafetensorsDType.I64, [3], 3),
        ]);
        var complete = File.ReadAllBytes(path);
        File.WriteAllBytes(path, complete[..^5]);

        var ex = OpenFails(path, "last");
        Assert.Contains($"The header describes a file of {complete.Length} bytes but the file is {complete.Length - 5}: it is truncated", ex.Message);
    }

    [Fact]
    public void File_truncated_across_several_tensors_names_the_first_and_last_that_do_not_fit()
    {
        var path = _folder.File("broken.safetensors");
        SafetensorsWriter.Write(path,
        [
            RawSafetensors.RandomTensor("kept", SafetensorsDType.U8, [16], 1),
            RawSafetensors.RandomTensor("cut", SafetensorsDType.U8, [16], 2),
            RawSafetensors.RandomTensor("gone", SafetensorsDType.U8, [16], 3),
        ]);
        var complete = File.ReadAllBytes(path);
        File.WriteAllBytes(path, complete[..^20]);

        var ex = OpenFails(path, "cut");
        Assert.Contains("2 tensors, 'cut' to 'gone', lie past the end", ex.Message);
    }

    // ---- the stream path gives the same answers ----

    [Fact]
    public void Reading_a_header_from_a_stream_applies_the_same_checks()
    {
        using var stream = new MemoryStream(RawSafetensors.Build("""{"w": {"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8));
        var ex = Assert.Throws<SafetensorsFormatException>(() => SafetensorsHeader.Read("in-memory.safetensors", stream));
        Assert.Equal("w", ex.TensorName);
        Assert.StartsWith("in-memory.safetensors: tensor 'w': shape [3] of F32 needs 12 bytes", ex.Message);
    }

    private SafetensorsFormatException OpenFails(string headerJson, long dataLength, string? tensor) =>
        OpenFails(RawSafetensors.Build(headerJson, dataLength), tensor);

    private SafetensorsFormatException OpenFails(byte[] content, string? tensor) =>
        OpenFails(_folder.Write("broken.safetensors", content), tensor);

    private static SafetensorsFormatException OpenFails(string path, string? tensor)
    {
        var ex = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Open(path));
        Assert.Equal(path, ex.FilePath);
        Assert.StartsWith(path + ": ", ex.Message);
        Assert.Equal(tensor, ex.TensorName);
        if (tensor is not null)
        {
            Assert.StartsWith($"{path}: tensor '{tensor}': ", ex.Message);
        }

        return ex;
    }
}
