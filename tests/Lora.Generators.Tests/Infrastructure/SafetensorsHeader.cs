using System.Buffers.Binary;
using System.Text.Json;

namespace Lora.Generators.Tests.Infrastructure;

/// <summary>Reads tensor names and shapes from a safetensors file's JSON header (no tensor data).</summary>
internal static class SafetensorsHeader
{
    /// <summary>Every tensor's name and element count.</summary>
    /// <param name="path">The .safetensors file.</param>
    /// <returns>Name → number of elements.</returns>
    public static IReadOnlyDictionary<string, long> ElementCounts(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> length = stackalloc byte[8];
        stream.ReadExactly(length);
        var header = new byte[BinaryPrimitives.ReadUInt64LittleEndian(length)];
        stream.ReadExactly(header);
        using var json = JsonDocument.Parse(header);
        return json.RootElement.EnumerateObject()
            .Where(p => p.Name != "__metadata__")
            .ToDictionary(p => p.Name, p => p.Value.GetProperty("shape").EnumerateArray().Aggregate(1L, (n, d) => n * d.GetInt64()));
    }
}
