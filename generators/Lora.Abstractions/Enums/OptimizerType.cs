namespace Lora
{
    /// <summary>The optimizer that updates the adapter weights.</summary>
    public enum OptimizerType
    {
        /// <summary><c>torch.optim.AdamW</c>: two float32 moments per trainable weight.</summary>
        AdamW,

        /// <summary>AdamW with block-wise 8-bit moments (bitsandbytes' <c>adamw_8bit</c>): a quarter of the state memory.</summary>
        AdamW8Bit,
    }
}
