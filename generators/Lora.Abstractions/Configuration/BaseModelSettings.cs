namespace Lora
{
    /// <summary>The resolved <see cref="BaseModelAttribute"/>.</summary>
    /// <param name="Source">The model folder (as written; see <see cref="ExperimentConfig.ResolvePath"/>), model id (<c>org/name</c>) or built-in model name.</param>
    /// <param name="IsBuiltIn">True when <paramref name="Source"/> names a built-in model.</param>
    /// <param name="ModelType">The Hugging Face <c>model_type</c> (llama, gpt2, ...) when the generator could read it, else null.</param>
    /// <param name="Revision">For a model id, the branch, tag or commit of the model in the Hugging Face cache.</param>
    public sealed record BaseModelSettings(string Source, bool IsBuiltIn, string? ModelType, string Revision = SettingDefaults.Revision);
}
