using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Lora.Runtime.Quantization;

/// <summary>
/// The <c>quantization_config</c> block of config.json for a bitsandbytes 4-bit model, with the keys
/// transformers' <c>BitsAndBytesConfig.to_dict()</c> writes (sorted, as <c>save_pretrained</c> writes them).
/// </summary>
public sealed record BnbQuantizationConfig(
    QuantType Type,
    bool DoubleQuant,
    ScalarType ComputeDType,
    IReadOnlyList<string>? SkipModules = null)
{
    public JsonObject ToJson()
    {
        var skip = SkipModules is null ? null : new JsonArray(SkipModules.Select(m => (JsonNode?)JsonValue.Create(m)).ToArray());
        return new JsonObject
        {
            ["_load_in_4bit"] = true,
            ["_load_in_8bit"] = false,
            ["bnb_4bit_compute_dtype"] = TorchDTypeNames.NameOf(ComputeDType),
            ["bnb_4bit_quant_storage"] = "uint8",
            ["bnb_4bit_quant_type"] = FourBitCodebook.For(Type).Name,
            ["bnb_4bit_use_double_quant"] = DoubleQuant,
            ["llm_int8_enable_fp32_cpu_offload"] = false,
            ["llm_int8_has_fp16_weight"] = false,
            ["llm_int8_skip_modules"] = skip,
            // transformers checks isinstance(llm_int8_threshold, float): it must be written as 6.0, not 6.
            ["llm_int8_threshold"] = JsonNode.Parse("6.0"),
            ["load_in_4bit"] = true,
            ["load_in_8bit"] = false,
            ["quant_method"] = "bitsandbytes",
        };
    }

    /// <summary>
    /// Reads a config.json's <c>quantization_config</c>: null when there is none or it is not bitsandbytes
    /// 4-bit; throws <see cref="BnbFormatException"/> naming the field when it is 4-bit but unreadable.
    /// </summary>
    public static BnbQuantizationConfig? FromModelConfig(JsonNode? config)
    {
        if (config?["quantization_config"] is not JsonObject block) return null;
        if (block["quant_method"]?.GetValue<string>() != "bitsandbytes") return null;
        var load4 = block["load_in_4bit"] ?? block["_load_in_4bit"];
        if (load4 is null || !load4.GetValue<bool>()) return null;

        var typeName = block["bnb_4bit_quant_type"]?.GetValue<string>() ?? "fp4";     // transformers' default
        var type = typeName switch
        {
            "nf4" => QuantType.NF4,
            "fp4" => QuantType.FP4,
            _ => throw new BnbFormatException($"config.json quantization_config.bnb_4bit_quant_type is \"{typeName}\"; expected \"nf4\" or \"fp4\"."),
        };
        var dtypeName = block["bnb_4bit_compute_dtype"]?.GetValue<string>() ?? "float32";
        if (!TorchDTypeNames.TryParse(dtypeName, out var computeDType))
            throw new BnbFormatException($"config.json quantization_config.bnb_4bit_compute_dtype is \"{dtypeName}\"; expected float32, float16 or bfloat16.");
        var storage = block["bnb_4bit_quant_storage"]?.GetValue<string>() ?? "uint8";
        if (storage != "uint8")
            throw new BnbFormatException($"config.json quantization_config.bnb_4bit_quant_storage is \"{storage}\"; only uint8 packing is supported.");
        var skip = block["llm_int8_skip_modules"] is JsonArray list ? list.Select(m => m!.GetValue<string>()).ToList() : null;
        return new BnbQuantizationConfig(type, block["bnb_4bit_use_double_quant"]?.GetValue<bool>() ?? false, computeDType, skip);
    }
}
