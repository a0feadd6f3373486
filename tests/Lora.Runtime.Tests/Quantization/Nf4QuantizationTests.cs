using Lora.Runtime.Native;
using Lora.Runtime.Quantization;
using static Lora.Runtime.Tests.Quantization.QuantizationTestData;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Quantization;


/// <summary>NF4 codes are bitsandbytes': nearest level of weight/absmax per block of 64, packed first-high.</summary>
public sealed class Nf4QuantizationTests
{
    // The kernel compares x·(1/absmax) with float32 midpoint constants, so a value within float32 rounding
    // of a midpoint may take either neighbour: "ties either way".
    private const double TieSlack = 1e-6;

    public Nf4QuantizationTests() => TorchNative.EnsureLoaded();

    [Fact]
    public void The_16_levels_are_bitsandbytes_nf4_table()
    {
        float[] expected =
        [
            -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f, -0.28444138169288635f,
            -0.18477343022823334f, -0.09105003625154495f, 0.0f, 0.07958029955625534f, 0.16093020141124725f,
            0.24611230194568634f, 0.33791524171829224f, 0.44070982933044434f, 0.5626170039176941f,
            0.7229568362236023f, 1.0f,
        ];
        Assert.Equal(expected, Nf4Codebook.Instance.Levels);
        Assert.Equal(expected, Nf4Codebook.Instance.QuantMap);
    }

    [Theory]
    [InlineData("tiny-gpt2")]
    [InlineData("tiny-llama")]
    public void Every_code_of_every_fixture_weight_is_the_nearest_nf4_level(string model)
    {
        var levels = Nf4Codebook.Instance.Levels;
        foreach (var (name, weight) in TwoDimensionalWeights(model))
        {
            using var q = QuantizedWeight.Quantize(weight, QuantType.NF4, doubleQuant: false);
            var values = Floats(weight);
            var absmax = BlockAbsmax(values, 64);
            Assert.Equal(absmax, Floats(q.Absmax));
            var codes = Bytes(q.Codes());
            Assert.Equal(values.Length, codes.Length);
            for (var i = 0; i < values.Length; i++)
            {
                var x = values[i] / (double)absmax[i / 64];
                var nearest = Nearest(x, levels);
                var chosen = Math.Abs(x - levels[codes[i]]);
                Assert.True(chosen <= nearest.Distance + TieSlack,
                    $"{model} {name}[{i}]: w/absmax = {x:R} got code {codes[i]} ({levels[codes[i]]}), nearest is {nearest.Index} ({levels[nearest.Index]})");
            }
        }
    }

    [Fact]
    public void The_first_element_goes_in_the_high_nibble()
    {
        // absmax 1: 1.0 → 15, -1.0 → 0, 0 → 7, 0.5 → 12 (0.4407 is nearer than 0.5626).
        using var weight = tensor(new float[] { 1.0f, -1.0f, 0.0f, 0.5f }, [1, 4]);
        using var q = QuantizedWeight.Quantize(weight, QuantType.NF4, doubleQuant: false);

        Assert.Equal(new long[] { 2, 1 }, q.Packed.shape);
        Assert.Equal(ScalarType.Byte, q.Packed.dtype);
        Assert.Equal(new byte[] { 0xF0, 0x7C }, Bytes(q.Packed));
        Assert.Equal(new byte[] { 15, 0, 7, 12 }, Bytes(q.Codes()));
    }

    [Fact]
    public void An_odd_count_pairs_the_last_code_with_the_zero_padding()
    {
        using var weight = tensor(new float[] { 1.0f, -1.0f, 0.5f }, [3]);
        using var q = QuantizedWeight.Quantize(weight, QuantType.NF4, doubleQuant: false);

        Assert.Equal(new long[] { 2, 1 }, q.Packed.shape);
        Assert.Equal(new byte[] { 0xF0, 0xC7 }, Bytes(q.Packed));
        Assert.Equal(new[] { 1.0f, -1.0f, 0.44070982933044434f }, Floats(q.Dequantize(ScalarType.Float32)));
    }

    [Fact]
    public void Blocks_run_over_the_flattened_row_major_weight_and_the_last_one_is_padded()
    {
        // 3 rows of 50: blocks of 64 cross row boundaries; 150 values make 3 blocks, the last with 22.
        using var weight = arange(150, ScalarType.Float32).reshape(3, 50).sub(75.0);
        using var q = QuantizedWeight.Quantize(weight, QuantType.NF4, doubleQuant: false);

        Assert.Equal(new[] { 75f, 52f, 74f }, Floats(q.Absmax));
        Assert.Equal(75, q.Packed.shape[0]);
    }

    [Fact]
    public void An_all_zero_block_gets_code_0_as_in_the_cuda_kernel_and_dequantizes_to_zero()
    {
        // absmax 0 makes x·(1/absmax) NaN, which fails every comparison of dQuantizeNF4: code 0.
        using var weight = cat([zeros(64), linspace(-1, 1, 64)]).reshape(2, 64);
        using var q = QuantizedWeight.Quantize(weight, QuantType.NF4, doubleQuant: false);

        Assert.All(Bytes(q.Codes()).Take(64), code => Assert.Equal(0, code));
        using var deq = q.Dequantize(ScalarType.Float32);
        Assert.All(Floats(deq).Take(64), v => Assert.Equal(0.0f, Math.Abs(v)));
    }

    [Fact]
    public void Without_double_quantization_dequantized_values_are_level_times_absmax()
    {
        var (_, weight) = TwoDimensionalWeights("tiny-llama").First(w => w.Name.EndsWith("down_proj.weight", StringComparison.Ordinal));
        using var q = QuantizedWeight.Quantize(weight, QuantType.NF4, doubleQuant: false);
        var codes = Bytes(q.Codes());
        var absmax = Floats(q.Absmax);
        using var deq = q.Dequantize(ScalarType.Float32);

        Assert.Equal(weight.shape, deq.shape);
        var expected = codes.Select((c, i) => Nf4Codebook.Instance.Levels[c] * absmax[i / 64]).ToArray();
        Assert.Equal(expected, Floats(deq));
    }

    [Fact]
    public void Dequantizing_to_bf16_rounds_the_float32_values()
    {
        var (_, weight) = TwoDimensionalWeights("tiny-llama")[0];
        using var q = QuantizedWeight.Quantize(weight, QuantType.NF4, doubleQuant: true);
        using var f32 = q.Dequantize(ScalarType.Float32);
        using var bf16 = q.Dequantize(ScalarType.BFloat16);

        Assert.Equal(ScalarType.BFloat16, bf16.dtype);
        Assert.Equal(Floats(f32.to_type(ScalarType.BFloat16)), Floats(bf16));
    }

    [Fact]
    public void A_bf16_weight_quantizes_as_its_float32_values_and_remembers_its_dtype()
    {
        var (_, weight) = TwoDimensionalWeights("tiny-gpt2")[0];
        using var bf16 = weight.to_type(ScalarType.BFloat16);
        using var fromBf16 = QuantizedWeight.Quantize(bf16, QuantType.NF4, doubleQuant: true);
        using var fromF32 = QuantizedWeight.Quantize(bf16.to_type(ScalarType.Float32), QuantType.NF4, doubleQuant: true);

        Assert.Equal(ScalarType.BFloat16, fromBf16.DType);
        Assert.Equal(Bytes(fromF32.Packed), Bytes(fromBf16.Packed));
        Assert.Equal(Bytes(fromF32.Absmax), Bytes(fromBf16.Absmax));
    }

    [Fact]
    public void Quantizing_in_chunks_gives_the_same_codes_and_absmax()
    {
        using var weight = randn([7, 300], generator: new TorchSharp.torch.Generator(17));
        using var whole = QuantizedWeight.Quantize(weight, QuantType.NF4, doubleQuant: true);
        using var chunked = QuantizedWeight.Quantize(weight, QuantType.NF4, doubleQuant: true, QuantizedWeight.DefaultBlocksize, chunkElements: 128);

        Assert.Equal(Bytes(whole.Packed), Bytes(chunked.Packed));
        Assert.Equal(Bytes(whole.Absmax), Bytes(chunked.Absmax));
        Assert.Equal(Floats(whole.Nested!.NestedAbsmax), Floats(chunked.Nested!.NestedAbsmax));
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16)]
    public void Dequantizing_in_chunks_gives_the_same_weight(ScalarType computeDtype)
    {
        // 7 × 45 = 315 values: an odd count, so the last chunk ends in the high nibble of its last byte.
        using var weight = randn([7, 45], generator: new TorchSharp.torch.Generator(23));
        using var q = QuantizedWeight.Quantize(weight, QuantType.NF4, doubleQuant: true);
        using var whole = q.Dequantize(computeDtype);
        using var chunked = q.Dequantize(computeDtype, chunkElements: 128);

        Assert.Equal(computeDtype, chunked.dtype);
        Assert.Equal(whole.shape, chunked.shape);
        Assert.True(whole.eq(chunked).all().item<bool>(), "chunked dequantization differs");
        Assert.Throws<ArgumentOutOfRangeException>(() => q.Dequantize(computeDtype, chunkElements: 96));
    }

    [Fact]
    public void Row_slices_and_row_lookups_equal_the_rows_of_the_whole_weight()
    {
        // 40 rows of 96: row 0, 2, 4, … begin a 64-value block; a lookup needs rows of whole blocks, so a 128-wide table.
        using var weight = randn([40, 96], generator: new TorchSharp.torch.Generator(29));
        using var q = QuantizedWeight.Quantize(weight, QuantType.NF4, doubleQuant: true);
        using var whole = q.Dequantize(ScalarType.Float32);
        Assert.True(q.DequantizeRows(6, 34, ScalarType.Float32).eq(whole.narrow(0, 6, 34)).all().item<bool>(), "rows 6..40 differ");
        Assert.Throws<ArgumentException>(() => q.DequantizeRows(3, 2, ScalarType.Float32));   // row 3 starts mid-block
        Assert.False(q.RowsAreWholeBlocks);
        Assert.Throws<InvalidOperationException>(() => q.Lookup(tensor(new long[] { 1 }), ScalarType.Float32));

        using var table = QuantizedWeight.Quantize(randn([30, 128], generator: new TorchSharp.torch.Generator(31)), QuantType.NF4, doubleQuant: true);
        using var rows = tensor(new long[] { 29, 0, 7, 7, 13, 2 }).view(2, 3);
        using var looked = table.Lookup(rows, ScalarType.BFloat16);
        Assert.Equal(new long[] { 2, 3, 128 }, looked.shape);
        using var expected = table.Dequantize(ScalarType.BFloat16).index_select(0, rows.view(-1)).view(2, 3, 128);
        Assert.True(looked.eq(expected).all().item<bool>(), "looked-up rows differ from the dequantized table's");
    }

    [Fact]
    public void Dequantized_results_hold_their_storage_by_their_own_handle_alone()
    {
        // A caller that disposes what it got back must free the weight: no second handle of it may stay in its scope.
        using var q = QuantizedWeight.Quantize(randn([64, 128], generator: new TorchSharp.torch.Generator(37)), QuantType.NF4, doubleQuant: true);
        using var ids = tensor(new long[] { 3, 9 });
        using var scope = NewDisposeScope();
        foreach (var make in new Func<Tensor>[] { () => q.Dequantize(ScalarType.BFloat16), () => q.DequantizeRows(0, 4, ScalarType.Float32), () => q.Lookup(ids, ScalarType.Float32) })
        {
            int before = scope.DisposablesCount;
            make().Dispose();
            Assert.Equal(0, scope.DisposablesView.Skip(before).OfType<Tensor>().Count(t => !t.IsInvalid));
        }
    }

    [Fact]
    public void Blocksizes_bitsandbytes_does_not_support_are_refused()
    {
        using var weight = ones(4, 64);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => QuantizedWeight.Quantize(weight, QuantType.NF4, false, blocksize: 32));
        Assert.Contains("64, 128, 256", error.Message);
    }
}
