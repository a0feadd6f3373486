namespace Lora.Runtime.Safetensors;

/// <summary>The checks that one tensor entry passes on its own: dtype, shape, offsets and their agreement.</summary>
internal static class SafetensorsEntryRules
{
    public static TensorEntry Check(string filePath, string name, string dtypeName, long[] shape, long[] offsets)
    {
        if (!SafetensorsDTypes.TryParse(dtypeName, out var dtype))
        {
            throw new SafetensorsFormatException(filePath, name, SafetensorsDTypes.DescribeUnsupported(dtypeName));
        }

        var shapeText = ShapeArithmetic.Format(shape);
        var negative = Array.FindIndex(shape, d => d < 0);
        if (negative >= 0)
        {
            throw new SafetensorsFormatException(filePath, name,
                $"shape {shapeText} has a negative dimension ({shape[negative]} at index {negative}); dimensions must be >= 0");
        }

        if (offsets.Length != 2)
        {
            throw new SafetensorsFormatException(filePath, name,
                $"\"data_offsets\" must be [begin, end], found {offsets.Length} numbers {ShapeArithmetic.Format(offsets)}");
        }

        var (begin, end) = (offsets[0], offsets[1]);
        var offsetsText = $"[{begin}, {end}]";
        if (begin < 0 || end < 0)
        {
            throw new SafetensorsFormatException(filePath, name, $"data_offsets {offsetsText} must not be negative");
        }

        if (begin > end)
        {
            throw new SafetensorsFormatException(filePath, name, $"data_offsets {offsetsText} begin after they end");
        }

        var needed = ShapeArithmetic.TryByteLength(shape, dtype);
        if (needed is null)
        {
            throw new SafetensorsFormatException(filePath, name,
                $"shape {shapeText} of {dtype.ToHeaderName()} needs more bytes than a 64-bit size can count; the header is corrupt");
        }

        if (needed != end - begin)
        {
            throw new SafetensorsFormatException(filePath, name,
                $"shape {shapeText} of {dtype.ToHeaderName()} needs {needed} bytes but data_offsets {offsetsText} span {end - begin}");
        }

        return new TensorEntry(name, dtype, shape, begin, end);
    }
}
