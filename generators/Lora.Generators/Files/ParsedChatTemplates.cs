using Lora.Generators.Common;

namespace Lora.Generators.Files
{
    /// <summary>Every chat template text among the referenced AdditionalFiles, parsed once each.</summary>
    /// <param name="Templates">The parsed templates.</param>
    internal sealed record ParsedChatTemplates(EquatableArray<ParsedChatTemplate> Templates)
    {
        /// <summary>None parsed yet: <see cref="Find"/> parses on demand.</summary>
        public static readonly ParsedChatTemplates Empty = new(EquatableArray<ParsedChatTemplate>.Empty);

        /// <summary>The parsed template of a text; parsed here when the pipeline did not (a caller outside it).</summary>
        /// <param name="text">The Jinja source.</param>
        /// <returns>The outcome.</returns>
        public ParsedChatTemplate Find(string text)
        {
            foreach (var template in Templates)
            {
                if (string.Equals(template.Text, text, System.StringComparison.Ordinal))
                {
                    return template;
                }
            }

            return ParsedChatTemplate.Parse(text);
        }
    }
}
