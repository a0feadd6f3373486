using Lora.Generators.Common;

namespace Lora.Generators.Files
{
    /// <summary>A special token tokenizer_config.json sets, which a chat template sees as a variable (<c>bos_token</c>, …).</summary>
    /// <param name="Name">The variable, one of transformers' special token attributes.</param>
    /// <param name="Values">The token's text (an AddedToken's "content"); each item of a list such as additional_special_tokens.</param>
    /// <param name="IsList">Whether the value is a list.</param>
    internal sealed record SpecialToken(string Name, EquatableArray<string> Values, bool IsList);
}
