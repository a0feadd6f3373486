using System.Text.Json;
using Lora.Runtime.Tensors;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Cli;

/// <summary>Conversions between fixture tensors and the text the CLI reads and writes.</summary>
internal static class CliText
{
    /// <summary>A (B, T) integer tensor as --ids / --mask text: "1,2,3;4,5,6".</summary>
    public static string Rows(Tensor rows)
    {
        var values = rows.to_type(ScalarType.Int64).data<long>().ToArray();
        int width = (int)rows.shape[1];
        return string.Join(";", values.Chunk(width).Select(r => string.Join(",", r)));
    }

    /// <summary>The first <paramref name="length"/> ids of row <paramref name="row"/>, as --ids text.</summary>
    public static string Prefix(Tensor rows, int row, int length) => Rows(rows.narrow(0, row, 1).narrow(1, 0, length));

    public static long[] Ids(string jsonLine) => JsonSerializer.Deserialize<long[]>(jsonLine)!;

    public static string Text(string jsonLine) => JsonSerializer.Deserialize<Dictionary<string, string>>(jsonLine)!["text"];

    public static Tensor ReadLogits(string file)
    {
        var tensors = TensorFiles.ReadAll(file);
        Assert.Equal(["logits"], tensors.Keys);
        Assert.Equal(ScalarType.Float32, tensors["logits"].dtype);
        return tensors["logits"];
    }
}
