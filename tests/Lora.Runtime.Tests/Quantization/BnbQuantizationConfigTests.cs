using System.Text.Json.Nodes;
using Lora.Runtime.Quantization;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Quantization;


/// <summary>config.json's quantization_config as transformers' BitsAndBytesConfig.to_dict() writes it.</summary>
public sealed class BnbQuantizationConfigTests
{
    [Fact]
    public void It_has_the_keys_and_values_of_BitsAndBytesConfig_to_dict()
    {
        var json = new BnbQuantizationConfig(QuantType.NF4, DoubleQuant: true, ScalarType.BFloat16).ToJson();

        Assert.Equal(
            "{\"_load_in_4bit\":true,\"_load_in_8bit\":false,\"bnb_4bit_compute_dtype\":\"bfloat16\",\"bnb_4bit_quant_storage\":\"uint8\"," +
            "\"bnb_4bit_quant_type\":\"nf4\",\"bnb_4bit_use_double_quant\":true,\"llm_int8_enable_fp32_cpu_offload\":false," +
            "\"llm_int8_has_fp16_weight\":false,\"llm_int8_skip_modules\":null,\"llm_int8_threshold\":6.0,\"load_in_4bit\":true," +
            "\"load_in_8bit\":false,\"quant_method\":\"bitsandbytes\"}",
            json.ToJsonString());
    }

    [Fact]
    public void It_reads_back_from_a_model_config()
    {
        var written = new BnbQuantizationConfig(QuantType.FP4, DoubleQuant: false, ScalarType.Float16, ["lm_head"]);
        var config = new JsonObject { ["model_type"] = "llama", ["quantization_config"] = written.ToJson() };

        var read = BnbQuantizationConfig.FromModelConfig(JsonNode.Parse(config.ToJsonString()));

        Assert.NotNull(read);
        Assert.Equal((QuantType.FP4, false, ScalarType.Float16), (read.Type, read.DoubleQuant, read.ComputeDType));
        Assert.Equal(["lm_head"], read.SkipModules!);
        Assert.Null(BnbQuantizationConfig.FromModelConfig(JsonNode.Parse("{\"model_type\": \"llama\"}")));
    }
}
