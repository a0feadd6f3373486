using static TorchSharp.torch;

namespace Lora.Tools.Pretraining;

/// <summary>The dtype names a recipe uses (fp32, bf16), as the <c>lora</c> command line spells them.</summary>
public static class RecipeDTypes
{
    static readonly Dictionary<string, ScalarType> ByName = new(StringComparer.Ordinal)
    {
        ["fp32"] = ScalarType.Float32,
        ["bf16"] = ScalarType.BFloat16,
    };

    public static string Names => string.Join(", ", ByName.Keys);

    public static bool IsKnown(string name) => ByName.ContainsKey(name);

    public static ScalarType Parse(string name, string field) =>
        ByName.TryGetValue(name, out var dtype) ? dtype : throw new ArgumentException($"{field} '{name}': expected one of {Names}.");
}
