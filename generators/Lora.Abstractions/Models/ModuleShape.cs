namespace Lora
{
    /// <summary>The input and output widths of a linear module, in terms of <see cref="ModelDimensions"/>.</summary>
    public enum ModuleShape
    {
        /// <summary>hidden → query width (q_proj).</summary>
        HiddenToQuery,

        /// <summary>hidden → key/value width (k_proj, v_proj).</summary>
        HiddenToKeyValue,

        /// <summary>query width → hidden (o_proj).</summary>
        QueryToHidden,

        /// <summary>hidden → query + 2 × key/value width (phi3 qkv_proj).</summary>
        HiddenToFusedQkv,

        /// <summary>hidden → 3 × hidden (GPT-2 c_attn).</summary>
        HiddenToThreeHidden,

        /// <summary>hidden → hidden (GPT-2 attn.c_proj).</summary>
        HiddenToHidden,

        /// <summary>hidden → intermediate (gate_proj, up_proj, GPT-2 c_fc).</summary>
        HiddenToIntermediate,

        /// <summary>hidden → 2 × intermediate (phi3 gate_up_proj).</summary>
        HiddenToTwoIntermediate,

        /// <summary>intermediate → hidden (down_proj, GPT-2 mlp.c_proj).</summary>
        IntermediateToHidden,

        /// <summary>hidden → vocabulary (lm_head).</summary>
        HiddenToVocab,
    }
}
