namespace Lora.Generators.Resolving
{
    /// <summary>What the generator learned about the base model.</summary>
    /// <param name="IsBuiltIn">Whether the source names a built-in model.</param>
    /// <param name="ModelType">The model_type, or null when unknown.</param>
    /// <param name="Family">The supported family, or null.</param>
    /// <param name="Dimensions">The model's sizes from its config.json, or null.</param>
    /// <param name="Display">How messages name the model: its config path as written, or "built-in model 'name'".</param>
    /// <param name="Folder">The normalized full path of the folder whose config.json was read (where its chat template is looked for); null for a built-in or unknown model.</param>
    internal sealed record BaseModelInfo(bool IsBuiltIn, string? ModelType, ModelFamily? Family, ModelDimensions? Dimensions, string Display, string? Folder = null)
    {
        /// <summary>Nothing is known (no [BaseModel], or it could not be read).</summary>
        public static readonly BaseModelInfo Unknown = new(false, null, null, null, "");
    }
}
