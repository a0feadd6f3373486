using System.Globalization;
using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace Lora.Runtime.Quantization;

/// <summary>
/// The non-tensor part of bitsandbytes' <c>QuantState.as_dict(packed=True)</c>, stored as the UTF-8 bytes of
/// <c>json.dumps</c> in a uint8 tensor under <c>&lt;name&gt;.weight.quant_state.bitsandbytes__&lt;type&gt;</c>.
/// Keys in bitsandbytes' order: quant_type, blocksize, dtype, shape, then (double quantization only)
/// nested_blocksize, nested_dtype, nested_offset.
/// </summary>
public sealed record BnbQuantState(
    QuantType Type,
    int Blocksize,
    ScalarType DType,
    long[] Shape,
    int? NestedBlocksize,
    ScalarType? NestedDType,
    double? NestedOffset)
{
    public bool IsNested => NestedBlocksize is not null;

    /// <summary>The JSON exactly as Python's <c>json.dumps</c> writes it (", " and ": " separators, repr floats).</summary>
    public string ToJson()
    {
        var json = new StringBuilder();
        json.Append("{\"quant_type\": \"").Append(FourBitCodebook.For(Type).Name).Append('"');
        json.Append(", \"blocksize\": ").Append(Blocksize.ToString(CultureInfo.InvariantCulture));
        json.Append(", \"dtype\": \"").Append(TorchDTypeNames.NameOf(DType)).Append('"');
        json.Append(", \"shape\": [").Append(string.Join(", ", Shape.Select(d => d.ToString(CultureInfo.InvariantCulture)))).Append(']');
        if (IsNested)
        {
            json.Append(", \"nested_blocksize\": ").Append(NestedBlocksize!.Value.ToString(CultureInfo.InvariantCulture));
            json.Append(", \"nested_dtype\": \"").Append(TorchDTypeNames.NameOf(NestedDType ?? ScalarType.Float32)).Append('"');
            json.Append(", \"nested_offset\": ").Append(PythonFloat.Repr(NestedOffset ?? 0.0));
        }

        return json.Append('}').ToString();
    }

    /// <summary>uint8 [bytes]: the packed form, on <paramref name="device"/> (the CPU when null).</summary>
    public Tensor ToTensor(Device? device = null) => tensor(Encoding.UTF8.GetBytes(ToJson()), ScalarType.Byte, device: device);

    /// <summary>Reads the packed form; <paramref name="key"/> names the tensor in error messages.</summary>
    public static BnbQuantState Parse(Tensor packed, string key)
    {
        if (packed.dtype != ScalarType.Byte)
            throw new BnbFormatException($"'{key}' must be a uint8 tensor of UTF-8 JSON bytes; it is {packed.dtype}.");
        using var cpu = packed.reshape(-1).cpu();
        var text = Encoding.UTF8.GetString(cpu.data<byte>().ToArray());
        try
        {
            using var document = JsonDocument.Parse(text);
            return Read(document.RootElement, key);
        }
        catch (JsonException e)
        {
            throw new BnbFormatException($"'{key}' does not hold valid JSON ({e.Message}): {Shorten(text)}", e);
        }
    }

    private static BnbQuantState Read(JsonElement root, string key)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw new BnbFormatException($"'{key}' must hold a JSON object; it holds a {root.ValueKind}.");

        var typeName = RequiredString(root, "quant_type", key);
        var type = typeName switch
        {
            "nf4" => QuantType.NF4,
            "fp4" => QuantType.FP4,
            _ => throw new BnbFormatException($"'{key}': quant_type \"{typeName}\" is not a 4-bit type this runtime reads (expected \"nf4\" or \"fp4\")."),
        };
        var blocksize = RequiredInt(root, "blocksize", key);
        var dtype = RequiredDType(root, "dtype", key);
        if (!root.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array
            || shapeElement.EnumerateArray().Any(d => d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out var v) || v < 0))
            throw new BnbFormatException($"'{key}': \"shape\" must be a list of non-negative integers, e.g. [4096, 4096].");
        var shape = shapeElement.EnumerateArray().Select(d => d.GetInt64()).ToArray();

        var nestedKeys = new[] { "nested_blocksize", "nested_dtype", "nested_offset" };
        var present = nestedKeys.Where(k => root.TryGetProperty(k, out _)).ToList();
        if (present.Count == 0) return new BnbQuantState(type, blocksize, dtype, shape, null, null, null);
        if (present.Count != nestedKeys.Length)
            throw new BnbFormatException($"'{key}' has {string.Join(", ", present)} but not {string.Join(", ", nestedKeys.Except(present))}; double quantization needs all three.");

        var nestedOffset = root.GetProperty("nested_offset");
        if (nestedOffset.ValueKind != JsonValueKind.Number)
            throw new BnbFormatException($"'{key}': \"nested_offset\" must be a number; it is {nestedOffset.ValueKind}.");
        return new BnbQuantState(type, blocksize, dtype, shape,
            RequiredInt(root, "nested_blocksize", key), RequiredDType(root, "nested_dtype", key), nestedOffset.GetDouble());
    }

    private static string RequiredString(JsonElement root, string name, string key) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new BnbFormatException($"'{key}' needs a string \"{name}\".");

    private static int RequiredInt(JsonElement root, string name, string key) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number > 0
            ? number
            : throw new BnbFormatException($"'{key}' needs a positive integer \"{name}\".");

    private static ScalarType RequiredDType(JsonElement root, string name, string key)
    {
        var text = RequiredString(root, name, key);
        return TorchDTypeNames.TryParse(text, out var dtype) && dtype is ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16
            ? dtype
            : throw new BnbFormatException($"'{key}': \"{name}\" is \"{text}\"; expected \"float32\", \"float16\" or \"bfloat16\".");
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";

    public bool Equals(BnbQuantState? other) =>
        other is not null && Type == other.Type && Blocksize == other.Blocksize && DType == other.DType
        && Shape.SequenceEqual(other.Shape) && NestedBlocksize == other.NestedBlocksize
        && NestedDType == other.NestedDType && NestedOffset.Equals(other.NestedOffset);

    public override int GetHashCode() => HashCode.Combine(Type, Blocksize, DType, Shape.Length, NestedBlocksize, NestedDType, NestedOffset);
}
