using System.Collections.Generic;

namespace Lora
{
    /// <summary>
    /// The fully resolved configuration of one experiment or sweep variant: every attribute default applied,
    /// nothing left implicit. The generator writes one per experiment (and one per variant); the runtime reads it.
    /// </summary>
    /// <param name="ExperimentName">The name from <see cref="ExperimentAttribute"/>, e.g. <c>spam-filter</c>.</param>
    /// <param name="VariantName">The sweep variant, e.g. <c>rank-8</c>; null for the unswept configuration.</param>
    /// <param name="Description">The experiment's description, or null.</param>
    /// <param name="ExperimentType">The full name of the declaring record, e.g. <c>MyApp.SpamFilter</c>.</param>
    /// <param name="SourcePath">The source file that declares the experiment.</param>
    /// <param name="ProjectDirectory">The project directory that relative paths are resolved against.</param>
    /// <param name="Model">The base model.</param>
    /// <param name="Adapter">The LoRA adapter.</param>
    /// <param name="Quantization">The base model's quantization (QLoRA), or null for an unquantized base.</param>
    /// <param name="Dataset">The training data.</param>
    /// <param name="Training">The training loop.</param>
    /// <param name="Evaluation">The evaluation, or null when the experiment has no <see cref="EvaluateAttribute"/>.</param>
    /// <param name="Expectations">Thresholds the evaluation must meet; empty when none.</param>
    /// <param name="Merge">The merge into the base model, or null when the experiment has no <see cref="MergeAttribute"/>.</param>
    /// <param name="Export">The merged model's exports (GGUF), or null when the experiment has no <see cref="ExportAttribute"/>.</param>
    /// <param name="Locations">Where each attribute is written in <paramref name="SourcePath"/>, in source order (every
    /// <see cref="ExpectAttribute"/> in the order of <paramref name="Expectations"/>); null when not known. Not part of what
    /// is trained: moving an attribute changes no fingerprint.</param>
    public sealed record ExperimentConfig(
        string ExperimentName,
        string? VariantName,
        string? Description,
        string ExperimentType,
        string SourcePath,
        string ProjectDirectory,
        BaseModelSettings Model,
        LoraSettings Adapter,
        QuantizationSettings? Quantization,
        DatasetSettings Dataset,
        TrainingSettings Training,
        EvaluationSettings? Evaluation,
        IReadOnlyList<ExpectationSettings> Expectations,
        MergeSettings? Merge,
        ExportSettings? Export = null,
        IReadOnlyList<AttributeLocation>? Locations = null)
    {
        /// <summary>The name that identifies this configuration's artifacts: <c>spam-filter</c> or <c>spam-filter/rank-8</c>.</summary>
        public string FullName => VariantName is null ? ExperimentName : ExperimentName + "/" + VariantName;

        /// <summary>Where the attribute named <paramref name="attribute"/> is written (the <paramref name="index"/>-th of that
        /// name), or null when the generator did not say.</summary>
        /// <param name="attribute">The attribute's name without "Attribute", e.g. <c>Expect</c>.</param>
        /// <param name="index">Which of several attributes of that name, in source order.</param>
        /// <returns>The location, or null.</returns>
        public AttributeLocation? Locate(string attribute, int index = 0)
        {
            if (Locations is null) return null;
            foreach (var location in Locations)
            {
                if (location.Attribute != attribute) continue;
                if (index-- == 0) return location;
            }

            return null;
        }

        /// <summary>Resolves a path from the experiment's attributes: absolute paths stay, relative ones are taken from <see cref="ProjectDirectory"/>.</summary>
        /// <param name="path">A path as written in an attribute.</param>
        /// <returns>The absolute path.</returns>
        public string ResolvePath(string path) =>
            System.IO.Path.IsPathRooted(path) ? path : System.IO.Path.Combine(ProjectDirectory, path);
    }
}
