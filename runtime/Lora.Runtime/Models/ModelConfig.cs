using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lora.Runtime.Models;

/// <summary>
/// The architecture facts the runtime needs from a Hugging Face <c>config.json</c>, with each family's
/// own key names (GPT-2's <c>n_embd</c>, Llama's <c>hidden_size</c>) resolved to one vocabulary.
/// </summary>
public sealed record ModelConfig
{
    /// <summary>The model types the runtime loads: the model table's (<see cref="Lora.ModelFamilies"/>), shared with the generator.</summary>
    public static IReadOnlyList<string> SupportedModelTypes => Lora.ModelFamilies.ModelTypes;

    public required string ModelType { get; init; }
    public required int VocabSize { get; init; }
    public required int HiddenSize { get; init; }
    public required int NumLayers { get; init; }
    public required int NumHeads { get; init; }
    public required int NumKeyValueHeads { get; init; }
    public required int HeadDim { get; init; }
    public required int IntermediateSize { get; init; }
    public required int MaxPositions { get; init; }
    public required double NormEpsilon { get; init; }
    public double RopeTheta { get; init; } = 10000.0;
    /// <summary>The RoPE frequency rule when it is not the default (Llama 3's); null for the default.</summary>
    public RopeScaling? RopeScaling { get; init; }
    /// <summary>Qwen3: an RMSNorm over each head's query and key (<c>q_norm</c>, <c>k_norm</c>), before the rotation.</summary>
    public bool QkNorm { get; init; }
    public bool TieWordEmbeddings { get; init; }
    /// <summary>Bias on q/k/v projections (Qwen2 always; Llama when <c>attention_bias</c>).</summary>
    public bool QkvBias { get; init; }
    /// <summary>Bias on the attention output projection (Llama's <c>attention_bias</c>).</summary>
    public bool OutputBias { get; init; }
    public bool MlpBias { get; init; }
    public string HiddenAct { get; init; } = "silu";
    public int? BosTokenId { get; init; }
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];
    public int? PadTokenId { get; init; }
    /// <summary>The file's own JSON, kept so that a merged model is saved with every key it came with.</summary>
    public JsonObject Raw { get; init; } = new();
    public string SourcePath { get; init; } = "config.json";

    public bool IsGpt2 => ModelType == "gpt2";

    public static ModelConfig Load(string path)
    {
        if (!File.Exists(path))
            throw new ModelLoadException($"{path}: config.json not found; a Hugging Face model folder holds config.json beside its safetensors files.");
        JsonObject json;
        try { json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new JsonException("not a JSON object"); }
        catch (JsonException e) { throw new ModelLoadException($"{path}: not valid JSON ({e.Message})."); }
        return Parse(json, path);
    }

    public static ModelConfig Parse(JsonObject json, string path = "config.json")
    {
        var r = new Reader(json, path);
        string type = r.String("model_type");
        if (!SupportedModelTypes.Contains(type))
            throw new ModelLoadException($"{path}: model_type '{type}' is not supported; expected one of {string.Join(", ", SupportedModelTypes)}.");

        if (type == "gpt2")
        {
            int hidden = r.Int("n_embd"), heads = r.Int("n_head");
            Checked.Divides(heads, "n_head", hidden, "n_embd", path);
            return Checked.Sizes(new ModelConfig
            {
                ModelType = type, VocabSize = r.Int("vocab_size"), HiddenSize = hidden, NumLayers = r.Int("n_layer"),
                NumHeads = heads, NumKeyValueHeads = heads, HeadDim = hidden / heads,
                IntermediateSize = r.OptionalInt("n_inner") ?? 4 * hidden, MaxPositions = r.Int("n_positions"),
                NormEpsilon = r.OptionalDouble("layer_norm_epsilon") ?? 1e-5, TieWordEmbeddings = r.OptionalBool("tie_word_embeddings") ?? true,
                HiddenAct = r.OptionalString("activation_function") ?? "gelu_new", QkvBias = true, OutputBias = true, MlpBias = true,
                BosTokenId = r.OptionalInt("bos_token_id"), EosTokenIds = r.IntOrList("eos_token_id"), PadTokenId = r.OptionalInt("pad_token_id"),
                Raw = json, SourcePath = path,
            }, Checked.Gpt2Keys);
        }

        int h = r.Int("hidden_size"), nh = r.Int("num_attention_heads");
        if (r.OptionalInt("head_dim") is null) Checked.Divides(nh, "num_attention_heads", h, "hidden_size", path);
        var rope = json["rope_parameters"] as JsonObject ?? json["rope_scaling"] as JsonObject;
        string? ropeType = rope?["rope_type"]?.GetValue<string>() ?? rope?["type"]?.GetValue<string>();
        if (ropeType is not null && !Lora.ModelFamilies.RopeTypes.Contains(ropeType))
            throw new ModelLoadException($"{path}: rope type '{ropeType}' is not supported yet; expected one of {string.Join(", ", Lora.ModelFamilies.RopeTypes)}.");
        RopeScaling? scaling = null;
        if (ropeType == "llama3")
        {
            double Number(string key) => rope![key]?.GetValue<double>() is double d && double.IsFinite(d) && d > 0 ? d
                : throw new ModelLoadException($"{path}: rope type llama3 needs a positive '{key}'.");
            scaling = new RopeScaling("llama3", Number("factor"), Number("low_freq_factor"), Number("high_freq_factor"), (int)Number("original_max_position_embeddings"));
            if (scaling.HighFrequencyFactor <= scaling.LowFrequencyFactor)
                throw new ModelLoadException($"{path}: llama3 rope's high_freq_factor ({scaling.HighFrequencyFactor}) must exceed low_freq_factor ({scaling.LowFrequencyFactor}).");
        }
        else if (ropeType == "longrope")
            scaling = LongRope(rope!, r, nh > 0 ? h / nh : 0, path);
        if (r.OptionalDouble("partial_rotary_factor") is double prf && prf != 1.0)
            throw new ModelLoadException($"{path}: partial_rotary_factor {prf} is not supported; expected 1.0.");
        double theta = rope?["rope_theta"]?.GetValue<double>() ?? r.OptionalDouble("rope_theta") ?? 10000.0;
        bool attentionBias = r.OptionalBool("attention_bias") ?? false;
        var config = Checked.Sizes(new ModelConfig
        {
            ModelType = type, VocabSize = r.Int("vocab_size"), HiddenSize = h, NumLayers = r.Int("num_hidden_layers"),
            NumHeads = nh, NumKeyValueHeads = r.OptionalInt("num_key_value_heads") ?? nh, HeadDim = r.OptionalInt("head_dim") ?? h / nh,
            IntermediateSize = r.Int("intermediate_size"), MaxPositions = r.OptionalInt("max_position_embeddings") ?? 4096,
            NormEpsilon = r.OptionalDouble("rms_norm_eps") ?? 1e-6, RopeTheta = theta, RopeScaling = scaling, QkNorm = type == "qwen3",
            TieWordEmbeddings = r.OptionalBool("tie_word_embeddings") ?? false,
            QkvBias = type == "qwen2" || attentionBias, OutputBias = type != "qwen2" && attentionBias,
            MlpBias = r.OptionalBool("mlp_bias") ?? false, HiddenAct = r.OptionalString("hidden_act") ?? "silu",
            BosTokenId = r.OptionalInt("bos_token_id"), EosTokenIds = r.IntOrList("eos_token_id"), PadTokenId = r.OptionalInt("pad_token_id"),
            Raw = json, SourcePath = path,
        }, Checked.LlamaKeys);
        Checked.Divides(config.NumKeyValueHeads, "num_key_value_heads", config.NumHeads, "num_attention_heads", path);
        return config;
    }

    /// <summary>
    /// longrope's parameters as transformers derives them: a factor per frequency (head_dim / 2 of them) for short and for
    /// long sequences; with an original context length (in the rope parameters or at the top level) the scale is
    /// max_position_embeddings / original, and the attention factor, unless given, √(1 + ln scale / ln original) (1 when the
    /// scale is at most 1).
    /// </summary>
    static RopeScaling LongRope(JsonObject rope, Reader r, int defaultHeadDim, string path)
    {
        int headDim = r.OptionalInt("head_dim") ?? defaultHeadDim;
        IReadOnlyList<double> Factors(string key)
        {
            var list = rope[key] as JsonArray ?? throw new ModelLoadException($"{path}: rope type longrope needs '{key}', a list of numbers.");
            var factors = list.Select(n => n?.GetValue<double>() ?? double.NaN).ToArray();
            if (factors.Length != headDim / 2 || factors.Any(f => !double.IsFinite(f) || f <= 0))
                throw new ModelLoadException($"{path}: longrope's '{key}' has {factors.Length} values; expected {headDim / 2} positive numbers (head_dim / 2).");
            return factors;
        }
        int positions = r.OptionalInt("max_position_embeddings") ?? 4096;
        int? original = rope["original_max_position_embeddings"]?.GetValue<int>() ?? r.OptionalInt("original_max_position_embeddings");
        double factor = original is int o ? (double)positions / o : rope["factor"]?.GetValue<double>() ?? 1.0;
        double attention = rope["attention_factor"]?.GetValue<double>()
            ?? (factor <= 1.0 ? 1.0 : Math.Sqrt(1 + Math.Log(factor) / Math.Log(original ?? positions)));
        return new RopeScaling("longrope", factor, 0, 0, original ?? positions, Factors("short_factor"), Factors("long_factor"), attention);
    }

    /// <summary>
    /// A config.json is checked before anything is allocated from it: every size positive, heads that divide what they
    /// split, no tensor beyond any real model's, a finite positive epsilon and rope base. A hostile or mistyped file is
    /// an error naming the file and the key, not a division by zero or an allocation that takes the machine's memory.
    /// </summary>
    static class Checked
    {
        /// <summary>Elements of the largest tensor a config may ask for: 2³⁴ (a 405B model's embedding has 2.1·10⁹).</summary>
        const long MaxTensorElements = 1L << 34;

        /// <summary>The config keys of each size, in the order <see cref="Sizes"/> checks them.</summary>
        public static readonly string[] Gpt2Keys = ["vocab_size", "n_embd", "n_layer", "n_head", "n_head", "n_embd / n_head", "n_inner", "n_positions"];
        public static readonly string[] LlamaKeys = ["vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
            "head_dim", "intermediate_size", "max_position_embeddings"];

        public static ModelConfig Sizes(ModelConfig c, string[] keys)
        {
            int[] sizes = [c.VocabSize, c.HiddenSize, c.NumLayers, c.NumHeads, c.NumKeyValueHeads, c.HeadDim, c.IntermediateSize, c.MaxPositions];
            for (int i = 0; i < sizes.Length; i++)
                if (sizes[i] <= 0) throw new ModelLoadException($"{c.SourcePath}: {keys[i]} is {sizes[i]}; expected a positive size.");
            foreach (var (elements, what) in new[]
            {
                ((long)c.VocabSize * c.HiddenSize, $"the embedding ({keys[0]} × {keys[1]})"),
                ((long)c.HiddenSize * c.IntermediateSize, $"an MLP projection ({keys[1]} × {keys[6]})"),
                ((long)c.NumHeads * c.HeadDim * c.HiddenSize, $"the attention projection ({keys[3]} × head size × {keys[1]})"),
                ((long)c.NumLayers * c.HiddenSize, $"the layers' norms ({keys[2]} × {keys[1]})"),
            })
            {
                if (elements > MaxTensorElements)
                    throw new ModelLoadException($"{c.SourcePath}: {what} would hold {elements:N0} values, more than any model's tensor ({MaxTensorElements:N0}); check the sizes.");
            }
            if (!double.IsFinite(c.NormEpsilon) || c.NormEpsilon <= 0)
                throw new ModelLoadException($"{c.SourcePath}: the norm epsilon is {c.NormEpsilon}; expected a small positive number.");
            if (!double.IsFinite(c.RopeTheta) || c.RopeTheta <= 0)
                throw new ModelLoadException($"{c.SourcePath}: rope_theta is {c.RopeTheta}; expected a positive number.");
            return c;
        }

        /// <summary>Whether <paramref name="parts"/> ({partsKey}) splits <paramref name="whole"/> ({wholeKey}) evenly.</summary>
        public static void Divides(int parts, string partsKey, int whole, string wholeKey, string path)
        {
            if (parts <= 0) throw new ModelLoadException($"{path}: {partsKey} is {parts}; expected a positive count.");
            if (whole % parts != 0)
                throw new ModelLoadException($"{path}: {wholeKey} {whole} is not a multiple of {partsKey} {parts}; each head needs an equal share.");
        }
    }

    /// <summary>Typed access to config keys; every failure names the file and the key.</summary>
    sealed class Reader(JsonObject json, string path)
    {
        JsonNode? Node(string key) => json.TryGetPropertyValue(key, out var n) ? n : null;

        public string String(string key) => OptionalString(key) ?? throw Missing(key, "a string");
        public int Int(string key) => OptionalInt(key) ?? throw Missing(key, "an integer");

        public string? OptionalString(string key) => Node(key) is JsonValue v && v.TryGetValue<string>(out var s) ? s : Node(key) is null ? null : throw Wrong(key, "a string");
        public int? OptionalInt(string key) => Node(key) switch
        {
            null => null,
            JsonValue v when v.TryGetValue<int>(out var i) => i,
            JsonValue v when v.TryGetValue<long>(out var l) && l is >= int.MinValue and <= int.MaxValue => (int)l,
            _ => throw Wrong(key, "an integer"),
        };
        public double? OptionalDouble(string key) => Node(key) switch
        {
            null => null,
            JsonValue v when v.TryGetValue<double>(out var d) => d,
            _ => throw Wrong(key, "a number"),
        };
        public bool? OptionalBool(string key) => Node(key) switch
        {
            null => null,
            JsonValue v when v.TryGetValue<bool>(out var b) => b,
            _ => throw Wrong(key, "true or false"),
        };
        public IReadOnlyList<int> IntOrList(string key) => Node(key) switch
        {
            null => [],
            JsonArray a => a.Select(x => x?.GetValue<int>() ?? throw Wrong(key, "integers")).ToArray(),
            _ => [OptionalInt(key)!.Value],
        };

        ModelLoadException Missing(string key, string what) => new($"{path}: key '{key}' is missing; expected {what}.");
        ModelLoadException Wrong(string key, string what) => new($"{path}: key '{key}' is {Node(key)?.ToJsonString()}; expected {what}.");
    }
}
