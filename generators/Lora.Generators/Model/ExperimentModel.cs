using Lora.Generators.Common;

namespace Lora.Generators.Model
{
    /// <summary>Everything the emitter writes for one experiment: no locations, so moving code does not re-emit.</summary>
    /// <param name="Type">The experiment type.</param>
    /// <param name="Name">The experiment name.</param>
    /// <param name="Description">The description, or null.</param>
    /// <param name="SourcePath">The declaring source file.</param>
    /// <param name="ProjectDirectory">The directory relative paths resolve against.</param>
    /// <param name="BaseModel">The resolved <c>BaseModelSettings</c>.</param>
    /// <param name="Adapter">The resolved <c>LoraSettings</c>.</param>
    /// <param name="Quantization">The resolved <c>QuantizationSettings</c>, or null.</param>
    /// <param name="Dataset">The resolved <c>DatasetSettings</c>.</param>
    /// <param name="Training">The resolved <c>TrainingSettings</c>.</param>
    /// <param name="Evaluation">The resolved <c>EvaluationSettings</c>, or null.</param>
    /// <param name="Expectations">The resolved <c>ExpectationSettings</c>.</param>
    /// <param name="Merge">The resolved <c>MergeSettings</c>, or null.</param>
    /// <param name="Variants">The sweep variants; empty without [Sweep].</param>
    /// <param name="MemorySummary">The memory estimate of the unswept configuration in words, or null without model sizes.</param>
    internal sealed record ExperimentModel(
        TypeModel Type,
        string Name,
        string? Description,
        string SourcePath,
        string ProjectDirectory,
        SectionModel BaseModel,
        SectionModel Adapter,
        SectionModel? Quantization,
        SectionModel Dataset,
        SectionModel Training,
        SectionModel? Evaluation,
        EquatableArray<SectionModel> Expectations,
        SectionModel? Merge,
        EquatableArray<VariantModel> Variants,
        string? MemorySummary);
}
