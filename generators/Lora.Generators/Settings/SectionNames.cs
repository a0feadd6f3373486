using Lora.Generators.Parsing;

namespace Lora.Generators.Settings
{
    /// <summary>Where each attribute's settings land in <c>Lora.ExperimentConfig</c>.</summary>
    internal static class SectionNames
    {
        /// <summary>The <c>ExperimentConfig</c> property of an attribute's settings: <c>Adapter</c>, <c>Training</c>, ...</summary>
        /// <param name="kind">The attribute.</param>
        /// <returns>The property name.</returns>
        public static string Of(AttributeKind kind) => kind switch
        {
            AttributeKind.BaseModel => "Model",
            AttributeKind.LoraAdapter => "Adapter",
            AttributeKind.Quantize => "Quantization",
            AttributeKind.Dataset or AttributeKind.TypedDataset => "Dataset",
            AttributeKind.Training => "Training",
            AttributeKind.Evaluate => "Evaluation",
            AttributeKind.Merge => "Merge",
            AttributeKind.Export => "Export",
            _ => kind.ToString(),
        };

        /// <summary>The settings record of an attribute: <c>LoraSettings</c>, ...</summary>
        /// <param name="kind">The attribute.</param>
        /// <returns>The record's name in namespace Lora.</returns>
        public static string RecordOf(AttributeKind kind) => kind switch
        {
            AttributeKind.BaseModel => "BaseModelSettings",
            AttributeKind.LoraAdapter => "LoraSettings",
            AttributeKind.Quantize => "QuantizationSettings",
            AttributeKind.Dataset or AttributeKind.TypedDataset => "DatasetSettings",
            AttributeKind.Training => "TrainingSettings",
            AttributeKind.Evaluate => "EvaluationSettings",
            AttributeKind.Expect => "ExpectationSettings",
            AttributeKind.Export => "ExportSettings",
            _ => "MergeSettings",
        };
    }
}
