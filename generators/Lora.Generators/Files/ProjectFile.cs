using Lora.Generators.Common;

namespace Lora.Generators.Files
{
    /// <summary>An AdditionalFiles entry the generator cross-checks: a model config, a file of a model's chat template, or the head of a dataset.</summary>
    /// <param name="Path">The normalized full path.</param>
    /// <param name="ModelConfig">The parsed config when the file is named config.json, else null.</param>
    /// <param name="ChatTemplate">What the file says about the model's chat template when it is one of <see cref="ChatTemplateFiles.Names"/>, else null.</param>
    /// <param name="Head">The first non-blank lines (at most <see cref="DatasetHead.Lines"/>) of any other JSON or JSONL file.</param>
    internal sealed record ProjectFile(string Path, ModelConfigFile? ModelConfig, ChatTemplateFile? ChatTemplate, EquatableArray<DatasetLine> Head);
}
