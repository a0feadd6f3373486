using System.Text.RegularExpressions;
using Lora.Runtime.Models;
using static TorchSharp.torch;

namespace Lora.Runtime.Export.Gguf;

/// <summary>
/// How one model family is written for llama.cpp: its architecture name, its tensors' GGUF names and layouts, and the
/// hyperparameter keys llama.cpp's loader reads for it (src/llama-model.cpp, load_hparams and load_tensors; names from
/// gguf-py's constants.py). Llama and Mistral are llama.cpp's "llama", whose rotary embedding rotates adjacent pairs, so their
/// query and key rows are permuted from Hugging Face's rotate-half order (convert_hf_to_gguf's LlamaModel.permute); Qwen2,
/// Qwen3, Phi-3 and Gemma rotate halves in llama.cpp too (NeoX style) and keep their rows.
/// </summary>
public sealed class GgufArchitecture
{
    GgufArchitecture(string name, ModelConfig config)
    {
        Name = name;
        Config = config;
    }

    /// <summary>llama.cpp's architecture name (<c>general.architecture</c>), the prefix of its hyperparameter keys.</summary>
    public string Name { get; }

    public ModelConfig Config { get; }

    /// <summary>Query and key rows are reordered from rotate-half to adjacent pairs (llama.cpp's "llama").</summary>
    public bool PermutesQueryKey => Name == "llama";

    /// <summary>Gemma's norms scale by 1 + weight; llama.cpp's by the weight, so the converter stores 1 + weight.</summary>
    bool NormsPlusOne => Config.IsGemma;

    /// <summary>
    /// The family's llama.cpp architecture, after checking that llama.cpp computes what the runtime computes for this config.
    /// </summary>
    /// <exception cref="GgufExportException">An unsupported family, or a setting llama.cpp cannot express (named).</exception>
    public static GgufArchitecture For(ModelConfig config)
    {
        var name = config.ModelType switch
        {
            "llama" or "mistral" => "llama",
            "qwen2" => "qwen2",
            "qwen3" => "qwen3",
            "phi3" => "phi3",
            "gemma2" => "gemma2",
            Lora.ModelConfigParser.Gemma3Text => "gemma3",
            Lora.ModelConfigParser.Gpt2 => "gpt2",
            _ => throw new GgufExportException($"{config.SourcePath}: model_type '{config.ModelType}' has no GGUF mapping; the export writes llama, mistral, qwen2, qwen3, phi3, gemma2, gemma3_text and gpt2."),
        };
        var architecture = new GgufArchitecture(name, config);
        architecture.Check();
        return architecture;
    }

    void Check()
    {
        var c = Config;
        string expectedAct = c.IsGpt2 ? "gelu_new" : c.IsGemma ? "gelu_pytorch_tanh" : "silu";
        if (c.HiddenAct != expectedAct && !(c.IsGpt2 && c.HiddenAct is "gelu" or "gelu_pytorch_tanh") && !(c.IsGemma && c.HiddenAct == "gelu_new"))
            Refuse($"hidden_act '{c.HiddenAct}': llama.cpp's {Name} uses {expectedAct}");
        if (c.RopeScaling is { Type: "llama3" } && Name != "llama")
            Refuse($"rope_type llama3 on {c.ModelType}: llama.cpp applies its frequency factors (rope_freqs) to the llama architecture");
        if (c.RopeScaling is { Type: "longrope" } && Name != "phi3")
            Refuse($"rope_type longrope on {c.ModelType}: llama.cpp reads its factors for phi3 only");
        if (!c.IsGemma) return;
        if (Math.Abs(c.AttentionScale - 1 / Math.Sqrt(c.HeadDim)) > 1e-9)
            Refuse($"query_pre_attn_scalar {1 / (c.AttentionScale * c.AttentionScale):0.###} differs from head_dim {c.HeadDim}: llama.cpp scales {Name} attention by head_dim^-1/2");
        int pattern = Name == "gemma2" ? 2 : 6;
        var sliding = c.SlidingLayers;
        for (int i = 0; i < sliding.Count; i++)
            if (sliding[i] != (i % pattern < pattern - 1))
                Refuse($"layer {i} is {(sliding[i] ? "sliding" : "global")}: llama.cpp's {Name} slides every layer but each {pattern}th (layer_types must follow that pattern)");
        if (Name == "gemma2" && sliding.Count == 0)
            Refuse("no sliding-window layers: llama.cpp's gemma2 slides every other layer");
        if (Name == "gemma3" && sliding.Count > 0 && (c.LocalRopeTheta != 10000.0 || c.LocalRopeScaling is not null))
            Refuse($"the sliding layers' rope base is {c.LocalRopeTheta}{(c.LocalRopeScaling is null ? "" : " with scaling")}: llama.cpp's gemma3 uses 10000 unscaled");
        if (Name == "gemma2" && c.FinalLogitSoftcapping is null)
            Refuse("final_logit_softcapping is null: llama.cpp's gemma2 caps the logits (at 30 when the key is absent)");
    }

    void Refuse(string what) => throw new GgufExportException($"{Config.SourcePath}: {what}. The GGUF would not compute what this model computes.");

    /// <summary>The hyperparameter keys of this architecture.</summary>
    public void AddHyperparameters(GgufMetadata m)
    {
        var c = Config;
        string a = Name;
        m.Add($"{a}.context_length", (uint)c.MaxPositions);
        m.Add($"{a}.embedding_length", (uint)c.HiddenSize);
        m.Add($"{a}.block_count", (uint)c.NumLayers);
        m.Add($"{a}.feed_forward_length", (uint)c.IntermediateSize);
        m.Add($"{a}.attention.head_count", (uint)c.NumHeads);
        m.Add($"{a}.vocab_size", (uint)c.VocabSize);
        if (c.IsGpt2)
        {
            m.Add($"{a}.attention.layer_norm_epsilon", (float)c.NormEpsilon);
            return;
        }
        m.Add($"{a}.attention.head_count_kv", (uint)c.NumKeyValueHeads);
        m.Add($"{a}.attention.key_length", (uint)c.HeadDim);
        m.Add($"{a}.attention.value_length", (uint)c.HeadDim);
        m.Add($"{a}.attention.layer_norm_rms_epsilon", (float)c.NormEpsilon);
        m.Add($"{a}.rope.freq_base", (float)c.RopeTheta);
        m.Add($"{a}.rope.dimension_count", (uint)c.HeadDim);
        switch (c.RopeScaling)
        {
            case { Type: "linear" } linear:
                m.Add($"{a}.rope.scaling.type", "linear");
                m.Add($"{a}.rope.scaling.factor", (float)linear.Factor);
                break;
            case { Type: "longrope" } longrope:
                m.Add($"{a}.rope.scaling.attn_factor", (float)longrope.AttentionFactor);
                m.Add($"{a}.rope.scaling.original_context_length", (uint)longrope.OriginalMaxPositions);
                break;
        }
        if (c.IsGemma && c.SlidingWindow is int window) m.Add($"{a}.attention.sliding_window", (uint)window);
        if (Name == "gemma2")
        {
            // transformers applies the attention cap only in eager attention; llama.cpp always does, with config.json's value.
            var cap = c.Raw["attn_logit_softcapping"]?.GetValue<double>() ?? c.AttnLogitSoftcapping ?? 50.0;
            m.Add($"{a}.attn_logit_softcapping", (float)cap);
        }
        if (c.FinalLogitSoftcapping is double final) m.Add($"{a}.final_logit_softcapping", (float)final);
    }

    /// <summary>
    /// Tensors that are not the model's parameters but llama.cpp reads: Llama 3's rope frequency factors (θ_i divided by
    /// them gives the scaled frequencies) and longrope's short and long factors, each (head_dim / 2) in F32.
    /// </summary>
    public IEnumerable<(string Name, Tensor Value)> ExtraTensors()
    {
        var c = Config;
        if (c.RopeScaling is { Type: "llama3" } scaling)
        {
            var plain = Rotary.InverseFrequencies(c.HeadDim, c.RopeTheta, null, CPU);
            var scaled = Rotary.InverseFrequencies(c.HeadDim, c.RopeTheta, scaling, CPU);
            yield return ("rope_freqs.weight", plain / scaled);
        }
        if (c.RopeScaling is { Type: "longrope", LongFactor: { } longFactor, ShortFactor: { } shortFactor })
        {
            yield return ("rope_factors_long.weight", tensor(longFactor.Select(f => (float)f).ToArray()));
            yield return ("rope_factors_short.weight", tensor(shortFactor.Select(f => (float)f).ToArray()));
        }
    }

    /// <summary>Whether a tied output head must be written as a tensor of its own (llama.cpp's phi3 requires output.weight).</summary>
    public bool WritesTiedOutput => Name == "phi3";

    static readonly Regex LlamaLayer = new(@"^model\.layers\.(\d+)\.(.+)\.(weight|bias)$", RegexOptions.CultureInvariant);
    static readonly Regex Gpt2Layer = new(@"^transformer\.h\.(\d+)\.(.+)\.(weight|bias)$", RegexOptions.CultureInvariant);

    /// <summary>The GGUF name of the checkpoint tensor <paramref name="key"/>.</summary>
    /// <exception cref="GgufExportException">A tensor with no place in llama.cpp's model.</exception>
    public string TensorName(string key)
    {
        if (key == "lm_head.weight") return "output.weight";
        string? name = Config.IsGpt2 ? Gpt2Name(key) : LlamaName(key);
        return name ?? throw new GgufExportException($"{Config.SourcePath}: tensor '{key}' has no place in llama.cpp's {Name} model.");
    }

    string? LlamaName(string key)
    {
        if (key == "model.embed_tokens.weight") return "token_embd.weight";
        if (key == "model.norm.weight") return "output_norm.weight";
        var m = LlamaLayer.Match(key);
        if (!m.Success) return null;
        string? part = m.Groups[2].Value switch
        {
            "input_layernorm" => "attn_norm",
            "self_attn.q_proj" => "attn_q",
            "self_attn.k_proj" => "attn_k",
            "self_attn.v_proj" => "attn_v",
            "self_attn.o_proj" => "attn_output",
            "self_attn.qkv_proj" => "attn_qkv",
            "self_attn.q_norm" => "attn_q_norm",
            "self_attn.k_norm" => "attn_k_norm",
            "post_attention_layernorm" => Config.IsGemma ? "post_attention_norm" : "ffn_norm",
            "pre_feedforward_layernorm" => "ffn_norm",
            "post_feedforward_layernorm" => "post_ffw_norm",
            "mlp.gate_proj" => "ffn_gate",
            "mlp.up_proj" => "ffn_up",
            "mlp.gate_up_proj" => "ffn_up",   // Phi-3: gate rows first, as llama.cpp's fused SwiGLU splits them
            "mlp.down_proj" => "ffn_down",
            _ => null,
        };
        return part is null ? null : $"blk.{m.Groups[1].Value}.{part}.{m.Groups[3].Value}";
    }

    string? Gpt2Name(string key)
    {
        switch (key)
        {
            case "transformer.wte.weight": return "token_embd.weight";
            case "transformer.wpe.weight": return "position_embd.weight";
            case "transformer.ln_f.weight": return "output_norm.weight";
            case "transformer.ln_f.bias": return "output_norm.bias";
        }
        var m = Gpt2Layer.Match(key);
        if (!m.Success) return null;
        string? part = m.Groups[2].Value switch
        {
            "ln_1" => "attn_norm",
            "attn.c_attn" => "attn_qkv",
            "attn.c_proj" => "attn_output",
            "ln_2" => "ffn_norm",
            "mlp.c_fc" => "ffn_up",
            "mlp.c_proj" => "ffn_down",
            _ => null,
        };
        return part is null ? null : $"blk.{m.Groups[1].Value}.{part}.{m.Groups[3].Value}";
    }

    /// <summary>
    /// The tensor as llama.cpp stores it, in PyTorch's [out, in] order (the writer reverses the dimensions): GPT-2's Conv1D
    /// weights ([in, out]) transposed, Llama's query and key rows permuted, Gemma's norms plus one.
    /// </summary>
    public Tensor Layout(string key, Tensor value)
    {
        if (IsConv1D(key, value.shape)) return value.t();
        if (NormsPlusOne && key.EndsWith("norm.weight")) return value.to_type(ScalarType.Float32) + 1;
        return PermutesQueryKey ? PermuteRows(key, value) : value;
    }

    /// <summary>The shape <see cref="Layout"/> gives a tensor of <paramref name="shape"/>.</summary>
    public long[] LayoutShape(string key, long[] shape) => IsConv1D(key, shape) ? [shape[1], shape[0]] : shape;

    /// <summary>GPT-2's block projections are Conv1D, whose weight is [in, out].</summary>
    bool IsConv1D(string key, long[] shape) => Config.IsGpt2 && key.StartsWith("transformer.h.") && key.EndsWith(".weight") && shape.Length == 2;

    /// <summary>
    /// Reorders the rows of a query or key projection (weight [heads·hd, in], bias [heads·hd], LoRA B [heads·hd, r]) from
    /// rotate-half (each head's first half, then its second) to adjacent pairs: row (h, half, i) moves to (h, i, half).
    /// </summary>
    public Tensor PermuteRows(string key, Tensor value)
    {
        int heads = key.Contains(".self_attn.q_proj.") ? Config.NumHeads : key.Contains(".self_attn.k_proj.") ? Config.NumKeyValueHeads : 0;
        if (heads == 0 || !PermutesQueryKey) return value;
        long rows = value.shape[0];
        var rest = value.shape.Skip(1).ToArray();
        return value.reshape([heads, 2, rows / heads / 2, .. rest]).transpose(1, 2).reshape(value.shape).contiguous();
    }
}
