using System.Text.Json;
using System.Text.Json.Nodes;
using Lora.Runtime.Adapters;

namespace Lora.Runtime.Peft;

/// <summary>
/// <c>adapter_config.json</c> as PEFT 0.21 writes and reads it. Writing emits every key PEFT writes,
/// sorted as PEFT sorts them, so that PEFT loads our adapters without warnings.
/// </summary>
public static class PeftAdapterConfig
{
    public const string FileName = "adapter_config.json";
    public const string PeftVersion = "0.21.0";

    public static LoraConfig Read(string path)
    {
        if (!File.Exists(path))
            throw new PeftFormatException($"{path}: not found; a PEFT adapter folder holds adapter_config.json and adapter_model.safetensors.");
        JsonObject json;
        try { json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new JsonException("not a JSON object"); }
        catch (JsonException e) { throw new PeftFormatException($"{path}: not valid JSON ({e.Message})."); }

        string peftType = json["peft_type"]?.GetValue<string>() ?? "LORA";
        if (peftType != "LORA") throw new PeftFormatException($"{path}: peft_type is '{peftType}'; only LORA adapters are supported.");
        Refuse(json, path, "modules_to_save", n => n is JsonArray { Count: > 0 }, "modules_to_save (fully trained extra modules) is not supported");
        Refuse(json, path, "layers_to_transform", n => n is not null, "layers_to_transform is not supported");
        Refuse(json, path, "lora_bias", n => n.GetValue<bool>(), "lora_bias is not supported");
        string bias = json["bias"]?.GetValue<string>() ?? BiasNames[Lora.LoraBias.None];
        if (!BiasNames.ContainsValue(bias))
            throw new PeftFormatException($"{path}: bias is '{bias}'; expected one of {string.Join(", ", BiasNames.Values)}.");

        var targets = json["target_modules"];
        return new LoraConfig
        {
            Rank = Get<int>(json, path, "r"),
            Alpha = json["lora_alpha"] is { } a ? a.GetValue<double>() : Get<int>(json, path, "r"),
            Dropout = json["lora_dropout"]?.GetValue<double>() ?? 0,
            UseRsLora = json["use_rslora"]?.GetValue<bool>() ?? false,
            UseDora = json["use_dora"]?.GetValue<bool>() ?? false,
            Bias = BiasNames.Single(kv => kv.Value == bias).Key,
            TargetModules = targets is JsonArray list ? list.Select(t => t!.GetValue<string>()).ToList() : [],
            TargetRegex = targets is JsonValue v ? v.GetValue<string>() : null,
            RankPattern = (json["rank_pattern"] as JsonObject)?.ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<int>()) ?? new(),
            AlphaPattern = (json["alpha_pattern"] as JsonObject)?.ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<double>()) ?? new(),
        };
    }

    /// <summary>PEFT's names for <see cref="Lora.LoraBias"/> in adapter_config.json.</summary>
    static readonly Dictionary<Lora.LoraBias, string> BiasNames = new()
    {
        [Lora.LoraBias.None] = "none", [Lora.LoraBias.All] = "all", [Lora.LoraBias.LoraOnly] = "lora_only",
    };

    /// <summary>The JSON PEFT 0.21 writes for these settings (keys sorted).</summary>
    public static string Serialize(LoraConfig s, bool fanInFanOut, string? baseModelNameOrPath, bool initLoraWeights = true, string? revision = null)
    {
        var o = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["alora_invocation_tokens"] = null, ["alpha_pattern"] = ToObject(s.AlphaPattern), ["arrow_config"] = null,
            ["auto_mapping"] = null, ["base_model_name_or_path"] = baseModelNameOrPath, ["bias"] = BiasNames[s.Bias],
            ["corda_config"] = null, ["ensure_weight_tying"] = false, ["eva_config"] = null, ["exclude_modules"] = null,
            ["fan_in_fan_out"] = fanInFanOut, ["inference_mode"] = true, ["init_lora_weights"] = initLoraWeights,
            ["kasa_config"] = null, ["layer_replication"] = null, ["layers_pattern"] = null, ["layers_to_transform"] = null,
            ["loftq_config"] = new JsonObject(), ["lora_alpha"] = JsonNumber(s.Alpha), ["lora_bias"] = false,
            ["lora_dropout"] = s.Dropout, ["lora_ga_config"] = null, ["megatron_config"] = null, ["megatron_core"] = "megatron.core",
            ["modules_to_save"] = null, ["monteclora_config"] = null, ["peft_type"] = "LORA", ["peft_version"] = PeftVersion,
            ["qalora_group_size"] = 16, ["r"] = s.Rank, ["rank_pattern"] = ToObject(s.RankPattern), ["revision"] = revision,
            ["target_modules"] = s.TargetRegex is { } regex ? JsonValue.Create(regex) : new JsonArray(s.TargetModules.Select(t => (JsonNode?)t).ToArray()),
            ["target_parameters"] = null, ["task_type"] = "CAUSAL_LM", ["trainable_token_indices"] = null, ["use_bdlora"] = null,
            ["use_dora"] = s.UseDora, ["use_qalora"] = false, ["use_rslora"] = s.UseRsLora, ["velora_config"] = null,
        };
        var json = new JsonObject();
        foreach (var (k, v) in o) json[k] = v;
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    // PEFT writes an integral alpha as an int (lora_alpha: 16), not 16.0.
    static JsonNode JsonNumber(double d) => d == Math.Floor(d) && Math.Abs(d) < int.MaxValue ? JsonValue.Create((int)d) : JsonValue.Create(d);

    static JsonObject ToObject<T>(IReadOnlyDictionary<string, T> map)
    {
        var o = new JsonObject();
        foreach (var (k, v) in map) o[k] = JsonValue.Create(v);
        return o;
    }

    static T Get<T>(JsonObject json, string path, string key) =>
        json[key] is JsonValue v && v.TryGetValue<T>(out var value) ? value
            : throw new PeftFormatException($"{path}: key '{key}' is {json[key]?.ToJsonString() ?? "missing"}; expected {typeof(T).Name}.");

    static void Refuse(JsonObject json, string path, string key, Func<JsonNode, bool> isSet, string why)
    {
        if (json[key] is { } node && isSet(node)) throw new PeftFormatException($"{path}: {key} is set; {why}.");
    }
}
