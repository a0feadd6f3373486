using static TorchSharp.torch;

namespace Lora.Runtime.Quantization;

/// <summary>
/// The tensors of one bitsandbytes 4-bit linear layer as transformers saves and loads them ("bnb-4bit"
/// checkpoints), for a layer named <c>&lt;name&gt;</c>:
/// <list type="table">
/// <item><term><c>&lt;name&gt;.weight</c></term><description>uint8 [ceil(n/2), 1], packed codes</description></item>
/// <item><term><c>.weight.absmax</c></term><description>uint8 [blocks] with double quantization, else float32 [blocks]</description></item>
/// <item><term><c>.weight.quant_map</c></term><description>float32 [16]</description></item>
/// <item><term><c>.weight.nested_absmax</c></term><description>float32 [ceil(blocks/256)] (double quantization only)</description></item>
/// <item><term><c>.weight.nested_quant_map</c></term><description>float32 [256] (double quantization only)</description></item>
/// <item><term><c>.weight.quant_state.bitsandbytes__nf4</c> (or <c>__fp4</c>)</term><description>uint8 [bytes], JSON (<see cref="BnbQuantState"/>)</description></item>
/// </list>
/// The bias, if any, stays a plain <c>&lt;name&gt;.bias</c> in the original dtype and is not handled here.
/// </summary>
public static class BnbFormat
{
    public const string AbsmaxSuffix = ".weight.absmax";
    public const string QuantMapSuffix = ".weight.quant_map";
    public const string NestedAbsmaxSuffix = ".weight.nested_absmax";
    public const string NestedQuantMapSuffix = ".weight.nested_quant_map";
    public const string QuantStatePrefix = ".weight.quant_state.bitsandbytes__";

    /// <summary>Every tensor bitsandbytes saves for the layer, each a new tensor handle the caller owns (packed codes and absmax share the weight's storage).</summary>
    /// <remarks>Reads the nested offset back to the host (one synchronization) for the JSON quant state.</remarks>
    public static IEnumerable<(string Key, Tensor Value)> ToTensors(string name, QuantizedWeight weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        var device = weight.Device;
        var codebook = weight.Codebook;
        var nested = weight.Nested;
        var state = new BnbQuantState(weight.Type, weight.Blocksize, weight.DType, (long[])weight.Shape.Clone(),
            nested?.Blocksize, nested is null ? null : ScalarType.Float32, nested is null ? null : nested.Offset.cpu().item<float>());

        var tensors = new List<(string, Tensor)>
        {
            ($"{name}.weight", weight.Packed.alias()),
            (name + AbsmaxSuffix, weight.Absmax.alias()),
            (name + QuantMapSuffix, tensor(codebook.QuantMap.ToArray(), ScalarType.Float32, device: device)),
        };
        if (nested is not null)
        {
            tensors.Add((name + NestedAbsmaxSuffix, nested.NestedAbsmax.alias()));
            tensors.Add((name + NestedQuantMapSuffix, nested.QuantMap.alias()));
        }

        tensors.Add((name + QuantStatePrefix + codebook.Name, state.ToTensor(device)));
        return tensors;
    }

    /// <summary>
    /// Rebuilds a layer's weight from its tensors; <paramref name="lookup"/> returns a tensor by full key or
    /// null. The weight keeps aliases of the tensors it uses (the caller may dispose its own handles).
    /// </summary>
    public static QuantizedWeight FromTensors(string name, Func<string, Tensor?> lookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        var (stateKey, stateTensor) = FindQuantState(name, lookup);
        var state = BnbQuantState.Parse(stateTensor, stateKey);
        var codebook = FourBitCodebook.For(state.Type);
        if (stateKey != name + QuantStatePrefix + codebook.Name)
            throw new BnbFormatException($"'{stateKey}' says quant_type \"{codebook.Name}\", which does not match its key.");
        if (!QuantizedWeight.SupportedBlocksizes.Contains(state.Blocksize))
            throw new BnbFormatException($"'{stateKey}': blocksize {state.Blocksize} is not one bitsandbytes uses ({string.Join(", ", QuantizedWeight.SupportedBlocksizes)}).");

        var n = state.Shape.Aggregate(1L, (a, b) => a * b);
        var blocks = Blockwise.BlockCount(n, state.Blocksize);

        var packedKey = $"{name}.weight";
        var packed = Require(lookup, packedKey, ScalarType.Byte, "the packed 4-bit codes");
        var packedLength = FourBitPacking.PackedLength(n);
        if (packed.NumberOfElements != packedLength || !(packed.dim() == 1 || (packed.dim() == 2 && packed.shape[1] == 1)))
            throw new BnbFormatException(
                $"'{packedKey}' must be uint8 [{packedLength}, 1] for shape [{string.Join(", ", state.Shape)}] (two codes per byte); it is [{string.Join(", ", packed.shape)}].");

        var absmaxKey = name + AbsmaxSuffix;
        var absmax = Require(lookup, absmaxKey, state.IsNested ? ScalarType.Byte : ScalarType.Float32,
            state.IsNested ? "the 8-bit codes of the double-quantized absmax" : "the absmax of each block");
        CheckLength(absmax, absmaxKey, blocks, $"one per block of {state.Blocksize}");

        var quantMapKey = name + QuantMapSuffix;
        var quantMap = Require(lookup, quantMapKey, ScalarType.Float32, $"the {codebook.Name} code map");
        CheckLength(quantMap, quantMapKey, 16, "the 16 levels");
        CheckQuantMap(quantMap, quantMapKey, codebook);

        DoubleQuantState? nested = null;
        var hasNestedTensors = lookup(name + NestedAbsmaxSuffix) is not null || lookup(name + NestedQuantMapSuffix) is not null;
        if (state.IsNested)
        {
            if (state.NestedDType != ScalarType.Float32)
                throw new BnbFormatException($"'{stateKey}': nested_dtype is {state.NestedDType}; bitsandbytes double quantization uses float32.");
            var nestedAbsmax = Require(lookup, name + NestedAbsmaxSuffix, ScalarType.Float32, "the absmax of each block of 256 absmax values");
            CheckLength(nestedAbsmax, name + NestedAbsmaxSuffix, Blockwise.BlockCount(blocks, state.NestedBlocksize!.Value), $"one per {state.NestedBlocksize} blocks");
            var nestedMap = Require(lookup, name + NestedQuantMapSuffix, ScalarType.Float32, "the dynamic 8-bit map");
            CheckLength(nestedMap, name + NestedQuantMapSuffix, DynamicQuantMap.Size, "the 256 entries of the dynamic map");
            var offset = tensor((float)state.NestedOffset!.Value, ScalarType.Float32, device: absmax.device);
            nested = new DoubleQuantState(Keep(nestedAbsmax.reshape(-1)), Keep(nestedMap.reshape(-1)), offset.DetachFromDisposeScope(), state.NestedBlocksize.Value);
        }
        else if (hasNestedTensors)
        {
            throw new BnbFormatException($"'{name}' has nested_absmax/nested_quant_map tensors but '{stateKey}' has no nested_* fields; the layer is inconsistent.");
        }

        return new QuantizedWeight(Keep(packed.reshape(-1, 1)), Keep(absmax.reshape(-1)), nested, state.Shape, state.DType, state.Type, state.Blocksize);
    }

    /// <summary>True when the tensors of <paramref name="name"/> are a bitsandbytes 4-bit layer (its quant-state key exists).</summary>
    public static bool IsQuantized(string name, Func<string, Tensor?> lookup) =>
        FourBitCodebook.Types.Any(t => lookup(name + QuantStatePrefix + FourBitCodebook.For(t).Name) is not null);

    private static (string Key, Tensor Value) FindQuantState(string name, Func<string, Tensor?> lookup)
    {
        var candidates = FourBitCodebook.Types.Select(t => name + QuantStatePrefix + FourBitCodebook.For(t).Name).ToList();
        var found = candidates.Select(k => (Key: k, Value: lookup(k))).Where(c => c.Value is not null).ToList();
        return found.Count switch
        {
            1 => (found[0].Key, found[0].Value!),
            0 => throw new BnbFormatException(
                $"'{name}' is not a bitsandbytes 4-bit layer: none of {string.Join(", ", candidates.Select(c => $"'{c}'"))} exists. " +
                "Pre-quantized checkpoints saved by transformers have one of them for every quantized linear layer."),
            _ => throw new BnbFormatException($"'{name}' has both {string.Join(" and ", found.Select(f => $"'{f.Key}'"))}; exactly one quant state is expected."),
        };
    }

    private static Tensor Require(Func<string, Tensor?> lookup, string key, ScalarType dtype, string what)
    {
        var value = lookup(key) ?? throw new BnbFormatException($"'{key}' is missing; it should hold {what} ({TorchDTypeNames.NameOf(dtype)}).");
        if (value.dtype != dtype)
            throw new BnbFormatException($"'{key}' should hold {what} as {TorchDTypeNames.NameOf(dtype)}; it is {value.dtype}.");
        return value;
    }

    private static void CheckLength(Tensor value, string key, long expected, string why)
    {
        if (value.NumberOfElements != expected || value.dim() > 1 && value.shape.Count(d => d != 1) > 1)
            throw new BnbFormatException($"'{key}' should have {expected} values ({why}); it is [{string.Join(", ", value.shape)}].");
    }

    private static void CheckQuantMap(Tensor quantMap, string key, FourBitCodebook codebook)
    {
        // bitsandbytes' kernels dequantize with their built-in tables whatever quant_map says; a map that
        // differs would mean the file was made by something else, so refuse it (tolerance as QuantState.__eq__).
        using var cpu = quantMap.reshape(-1).cpu();
        var stored = cpu.data<float>().ToArray();
        var worst = stored.Zip(codebook.QuantMap, (a, b) => Math.Abs(a - b)).Max();
        if (!(worst <= 1e-6f))
            throw new BnbFormatException(
                $"'{key}' is not bitsandbytes' {codebook.Name} map (largest difference {worst:G3}); found [{string.Join(", ", stored.Select(v => v.ToString("G6")))}].");
    }

    private static Tensor Keep(Tensor t) => t.alias().DetachFromDisposeScope();
}
