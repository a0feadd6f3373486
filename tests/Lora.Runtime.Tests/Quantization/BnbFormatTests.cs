using System.Text;
using System.Text.Json;
using Lora.Runtime.Native;
using Lora.Runtime.Quantization;
using Lora.Runtime.Tensors;
using Lora.Runtime.Tests.Safetensors;
using static Lora.Runtime.Tests.Quantization.QuantizationTestData;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Quantization;


/// <summary>
/// The bitsandbytes 4-bit layout transformers reads, written from its documented form: for a linear
/// &lt;name&gt;, .weight (uint8 [n/2, 1]), .weight.absmax (uint8 with double quantization, else float32),
/// .weight.quant_map (float32 [16]), .weight.nested_absmax (float32), .weight.nested_quant_map (float32 [256]),
/// .weight.quant_state.bitsandbytes__nf4 (uint8 JSON bytes of QuantState.as_dict(packed=True)'s non-tensor items).
/// </summary>
public sealed class BnbFormatTests : IDisposable
{
    private const string Name = "model.layers.0.mlp.down_proj";
    private readonly TempFolder _folder = new();

    public BnbFormatTests() => TorchNative.EnsureLoaded();

    public void Dispose() => _folder.Dispose();

    private static Tensor DownProj() =>
        TwoDimensionalWeights("tiny-llama").First(w => w.Name == Name + ".weight").Weight;      // [64, 160]

    [Fact]
    public void A_double_quantized_nf4_layer_has_bitsandbytes_names_dtypes_and_shapes()
    {
        using var q = QuantizedWeight.Quantize(DownProj(), QuantType.NF4, doubleQuant: true);
        var tensors = BnbFormat.ToTensors(Name, q).ToDictionary(t => t.Key, t => t.Value);

        // 64·160 = 10240 weights: 5120 bytes, 160 blocks of 64, one nested block of 256.
        var expected = new Dictionary<string, (ScalarType DType, long[] Shape)>
        {
            [Name + ".weight"] = (ScalarType.Byte, [5120, 1]),
            [Name + ".weight.absmax"] = (ScalarType.Byte, [160]),
            [Name + ".weight.quant_map"] = (ScalarType.Float32, [16]),
            [Name + ".weight.nested_absmax"] = (ScalarType.Float32, [1]),
            [Name + ".weight.nested_quant_map"] = (ScalarType.Float32, [256]),
            [Name + ".weight.quant_state.bitsandbytes__nf4"] = (ScalarType.Byte, [tensors[Name + ".weight.quant_state.bitsandbytes__nf4"].shape[0]]),
        };
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), tensors.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, (dtype, shape)) in expected)
        {
            Assert.True(dtype == tensors[key].dtype, $"{key}: {tensors[key].dtype}");
            Assert.Equal(shape, tensors[key].shape);
        }

        Assert.Equal(Nf4Codebook.Instance.QuantMap, Floats(tensors[Name + ".weight.quant_map"]));
        Assert.Equal(DynamicQuantMap.Signed, Floats(tensors[Name + ".weight.nested_quant_map"]));
    }

    [Fact]
    public void The_packed_quant_state_is_the_json_bitsandbytes_writes_with_its_keys_in_order()
    {
        using var q = QuantizedWeight.Quantize(DownProj(), QuantType.NF4, doubleQuant: true);
        var json = QuantStateJson(BnbFormat.ToTensors(Name, q), Name + ".weight.quant_state.bitsandbytes__nf4");

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(["quant_type", "blocksize", "dtype", "shape", "nested_blocksize", "nested_dtype", "nested_offset"],
            root.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("nf4", root.GetProperty("quant_type").GetString());
        Assert.Equal(64, root.GetProperty("blocksize").GetInt32());
        Assert.Equal("float32", root.GetProperty("dtype").GetString());
        Assert.Equal([64L, 160L], root.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray());
        Assert.Equal(256, root.GetProperty("nested_blocksize").GetInt32());
        Assert.Equal("float32", root.GetProperty("nested_dtype").GetString());
        Assert.Equal(q.Nested!.Offset.item<float>(), (float)root.GetProperty("nested_offset").GetDouble());
        // Python's json.dumps layout, so the bytes match a file bitsandbytes writes.
        Assert.StartsWith("{\"quant_type\": \"nf4\", \"blocksize\": 64, \"dtype\": \"float32\", \"shape\": [64, 160], \"nested_blocksize\": 256, \"nested_dtype\": \"float32\", \"nested_offset\": 0.", json);
    }

    [Fact]
    public void Without_double_quantization_absmax_is_float32_and_there_are_no_nested_entries()
    {
        using var weight = DownProj().to_type(ScalarType.BFloat16);
        using var q = QuantizedWeight.Quantize(weight, QuantType.FP4, doubleQuant: false);
        var tensors = BnbFormat.ToTensors("lm_head", q).ToDictionary(t => t.Key, t => t.Value);

        Assert.Equal(
            ["lm_head.weight", "lm_head.weight.absmax", "lm_head.weight.quant_map", "lm_head.weight.quant_state.bitsandbytes__fp4"],
            tensors.Keys.Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(ScalarType.Float32, tensors["lm_head.weight.absmax"].dtype);
        Assert.Equal(Fp4Codebook.Instance.QuantMap, Floats(tensors["lm_head.weight.quant_map"]));
        Assert.Equal("{\"quant_type\": \"fp4\", \"blocksize\": 64, \"dtype\": \"bfloat16\", \"shape\": [64, 160]}",
            QuantStateJson(tensors.Select(kv => (kv.Key, kv.Value)), "lm_head.weight.quant_state.bitsandbytes__fp4"));
    }

    [Theory]
    [InlineData(QuantType.NF4, true)]
    [InlineData(QuantType.NF4, false)]
    [InlineData(QuantType.FP4, true)]
    public void A_model_saved_to_safetensors_loads_back_to_identical_codes(QuantType type, bool doubleQuant)
    {
        var originals = TwoDimensionalWeights("tiny-llama")
            .Select(w => (Name: w.Name[..^".weight".Length], Weight: QuantizedWeight.Quantize(w.Weight, type, doubleQuant)))
            .ToList();
        var path = _folder.File("model.safetensors");
        TensorFiles.Write(path, originals.SelectMany(o => BnbFormat.ToTensors(o.Name, o.Weight)));

        var loaded = TensorFiles.ReadAll(path);
        foreach (var (name, original) in originals)
        {
            using var back = BnbFormat.FromTensors(name, key => loaded.GetValueOrDefault(key));
            Assert.Equal(original.Shape, back.Shape);
            Assert.Equal(original.Type, back.Type);
            Assert.Equal(Bytes(original.Packed), Bytes(back.Packed));
            Assert.Equal(original.Absmax.dtype, back.Absmax.dtype);
            Assert.Equal(RawBytes(original.Absmax), RawBytes(back.Absmax));
            Assert.Equal(doubleQuant, back.Nested is not null);
            if (doubleQuant)
            {
                Assert.Equal(original.Nested!.Offset.item<float>(), back.Nested!.Offset.item<float>());
                Assert.Equal(Floats(original.Nested.NestedAbsmax), Floats(back.Nested.NestedAbsmax));
            }

            Assert.Equal(Floats(original.Dequantize(ScalarType.Float32)), Floats(back.Dequantize(ScalarType.Float32)));
            original.Dispose();
        }
    }

    [Fact]
    public void A_layer_without_a_quant_state_is_reported_with_the_keys_looked_for()
    {
        var error = Assert.Throws<BnbFormatException>(() => BnbFormat.FromTensors("model.layers.0.self_attn.q_proj", _ => null));
        Assert.Contains("'model.layers.0.self_attn.q_proj.weight.quant_state.bitsandbytes__nf4'", error.Message);
        Assert.Contains("'model.layers.0.self_attn.q_proj.weight.quant_state.bitsandbytes__fp4'", error.Message);
    }

    [Fact]
    public void A_float32_absmax_in_a_double_quantized_layer_is_reported_by_name()
    {
        using var q = QuantizedWeight.Quantize(DownProj(), QuantType.NF4, doubleQuant: true);
        var tensors = BnbFormat.ToTensors(Name, q).ToDictionary(t => t.Key, t => t.Value);
        tensors[Name + ".weight.absmax"] = tensors[Name + ".weight.absmax"].to_type(ScalarType.Float32);

        var error = Assert.Throws<BnbFormatException>(() => BnbFormat.FromTensors(Name, k => tensors.GetValueOrDefault(k)));
        Assert.Contains($"'{Name}.weight.absmax'", error.Message);
        Assert.Contains("uint8", error.Message);
    }

    [Fact]
    public void Packed_codes_that_do_not_fit_the_shape_are_reported_with_the_expected_shape()
    {
        using var q = QuantizedWeight.Quantize(DownProj(), QuantType.NF4, doubleQuant: true);
        var tensors = BnbFormat.ToTensors(Name, q).ToDictionary(t => t.Key, t => t.Value);
        tensors[Name + ".weight"] = tensors[Name + ".weight"].narrow(0, 0, 100);

        var error = Assert.Throws<BnbFormatException>(() => BnbFormat.FromTensors(Name, k => tensors.GetValueOrDefault(k)));
        Assert.Contains($"'{Name}.weight'", error.Message);
        Assert.Contains("[5120, 1]", error.Message);
        Assert.Contains("[100, 1]", error.Message);
    }

    [Fact]
    public void A_quant_map_that_is_not_bitsandbytes_is_refused()
    {
        using var q = QuantizedWeight.Quantize(DownProj(), QuantType.NF4, doubleQuant: false);
        var tensors = BnbFormat.ToTensors(Name, q).ToDictionary(t => t.Key, t => t.Value);
        tensors[Name + ".weight.quant_map"] = linspace(-1, 1, 16);

        var error = Assert.Throws<BnbFormatException>(() => BnbFormat.FromTensors(Name, k => tensors.GetValueOrDefault(k)));
        Assert.Contains($"'{Name}.weight.quant_map'", error.Message);
    }

    [Fact]
    public void A_quant_state_missing_nested_fields_is_reported()
    {
        using var q = QuantizedWeight.Quantize(DownProj(), QuantType.NF4, doubleQuant: true);
        var tensors = BnbFormat.ToTensors(Name, q).ToDictionary(t => t.Key, t => t.Value);
        var json = "{\"quant_type\": \"nf4\", \"blocksize\": 64, \"dtype\": \"float32\", \"shape\": [64, 160], \"nested_blocksize\": 256}";
        tensors[Name + ".weight.quant_state.bitsandbytes__nf4"] = tensor(Encoding.UTF8.GetBytes(json), ScalarType.Byte);

        var error = Assert.Throws<BnbFormatException>(() => BnbFormat.FromTensors(Name, k => tensors.GetValueOrDefault(k)));
        Assert.Contains("nested_dtype", error.Message);
        Assert.Contains("nested_offset", error.Message);
    }

    private static string QuantStateJson(IEnumerable<(string Key, Tensor Value)> tensors, string key) =>
        Encoding.UTF8.GetString(Bytes(tensors.Single(t => t.Key == key).Value));
}
