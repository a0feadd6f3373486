namespace Lora.Generators.Parsing
{
    /// <summary>Metadata names of the Lora attributes (namespace <c>Lora</c>, assembly Lora.Abstractions).</summary>
    internal static class AttributeNames
    {
        /// <summary>The namespace every Lora attribute lives in.</summary>
        public const string Namespace = "Lora";

        /// <summary>The attribute the pipeline starts from.</summary>
        public const string ExperimentMetadataName = "Lora.ExperimentAttribute";

        /// <summary>Maps an attribute class's metadata name (without namespace) to its kind.</summary>
        /// <param name="metadataName">e.g. <c>LoraAdapterAttribute</c> or <c>DatasetAttribute`1</c>.</param>
        /// <returns>The kind, or null for attributes that are not Lora's.</returns>
        public static AttributeKind? KindOf(string metadataName) => metadataName switch
        {
            "ExperimentAttribute" => AttributeKind.Experiment,
            "BaseModelAttribute" => AttributeKind.BaseModel,
            "LoraAdapterAttribute" => AttributeKind.LoraAdapter,
            "QuantizeAttribute" => AttributeKind.Quantize,
            "DatasetAttribute" => AttributeKind.Dataset,
            "DatasetAttribute`1" => AttributeKind.TypedDataset,
            "TrainingAttribute" => AttributeKind.Training,
            "EvaluateAttribute" => AttributeKind.Evaluate,
            "ExpectAttribute" => AttributeKind.Expect,
            "MergeAttribute" => AttributeKind.Merge,
            "ExportAttribute" => AttributeKind.Export,
            "SweepAttribute" => AttributeKind.Sweep,
            _ => null,
        };

        /// <summary>The attribute as users write it, for messages: <c>LoraAdapter</c>, <c>Dataset&lt;Email&gt;</c>.</summary>
        /// <param name="kind">The attribute kind.</param>
        /// <param name="rowType">The row type's short name for <see cref="AttributeKind.TypedDataset"/>.</param>
        /// <returns>The display name without brackets.</returns>
        public static string Display(AttributeKind kind, string? rowType = null) =>
            kind == AttributeKind.TypedDataset ? "Dataset<" + (rowType ?? "TRow") + ">" : kind.ToString();
    }
}
