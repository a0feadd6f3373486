namespace Lora
{
    /// <summary>A model the runtime ships or can fetch by name, used as <c>[BaseModel("name")]</c>.</summary>
    /// <param name="Name">The name written in <see cref="BaseModelAttribute"/>; it has no slash.</param>
    /// <param name="ModelType">Its Hugging Face <c>model_type</c>, which decides default target modules.</param>
    /// <param name="HasChatTemplate">Whether its folder has a chat template; without one, Chat rows are rendered with the default ChatML template (the generator warns).</param>
    public sealed record BuiltInModel(string Name, string ModelType, bool HasChatTemplate = false);
}
