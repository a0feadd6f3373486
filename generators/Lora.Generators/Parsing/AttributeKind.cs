namespace Lora.Generators.Parsing
{
    /// <summary>The Lora attributes an experiment record can carry.</summary>
    internal enum AttributeKind
    {
        /// <summary>[Experiment].</summary>
        Experiment,

        /// <summary>[BaseModel].</summary>
        BaseModel,

        /// <summary>[LoraAdapter].</summary>
        LoraAdapter,

        /// <summary>[Quantize].</summary>
        Quantize,

        /// <summary>[Dataset].</summary>
        Dataset,

        /// <summary>[Dataset&lt;TRow&gt;].</summary>
        TypedDataset,

        /// <summary>[Training].</summary>
        Training,

        /// <summary>[Evaluate].</summary>
        Evaluate,

        /// <summary>[Expect].</summary>
        Expect,

        /// <summary>[Merge].</summary>
        Merge,

        /// <summary>[Export].</summary>
        Export,

        /// <summary>[Sweep].</summary>
        Sweep,
    }
}
