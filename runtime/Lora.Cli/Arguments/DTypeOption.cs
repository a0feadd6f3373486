using System.CommandLine;
using static TorchSharp.torch;

namespace Lora.Cli.Arguments;

/// <summary>
/// A <c>--dtype</c> option spelled as PyTorch users write it (fp32, bf16, fp16). The option holds the name, so
/// that help shows "[default: fp32]"; <see cref="ToScalarType"/> turns it into the TorchSharp type.
/// </summary>
public static class DTypeOption
{
    private static readonly Dictionary<string, ScalarType> ByName = new(StringComparer.Ordinal)
    {
        ["fp32"] = ScalarType.Float32,
        ["bf16"] = ScalarType.BFloat16,
        ["fp16"] = ScalarType.Float16,
    };

    /// <param name="description">What the dtype applies to (compute or saved weights).</param>
    /// <param name="allowed">The names this verb accepts, e.g. "fp32", "bf16"; the first is the default.</param>
    public static Option<string> Create(string description, params string[] allowed)
    {
        var option = new Option<string>("--dtype")
        {
            Description = description,
            HelpName = string.Join("|", allowed),
            DefaultValueFactory = _ => allowed[0],
        };
        option.AcceptOnlyFromAmong(allowed);
        return option;
    }

    /// <summary>The TorchSharp type of a name the option accepted.</summary>
    public static ScalarType ToScalarType(string name) => ByName[name];

    /// <summary>The short name of a dtype, as the option spells it.</summary>
    public static string NameOf(ScalarType dtype) => ByName.First(p => p.Value == dtype).Key;
}
