using System;
using System.Collections.Generic;
using System.Linq;
using Lora.Generators.Common;
using Lora.Runtime.ChatTemplates;

namespace Lora.Generators.Files
{
    /// <summary>
    /// What a model folder's tokenizer_config.json, chat_template.jinja or chat_template.json says about its chat
    /// template (<see cref="ChatTemplateFiles"/>), read as the runtime's ChatTemplateLoader reads it.
    /// </summary>
    /// <param name="Templates">The templates it holds, in file order ("" names a single one); empty when it has none (a tokenizer_config.json without "chat_template").</param>
    /// <param name="SpecialTokens">The special tokens tokenizer_config.json sets, in transformers' order; empty for the other files.</param>
    /// <param name="JsonError">Why the file is not a JSON document the runtime can read, or null; the runtime reads tokenizer_config.json whichever file holds the template.</param>
    /// <param name="TemplateError">Why its template cannot be used (a "chat_template" of the wrong shape, or several and none named "default"), or null.</param>
    internal sealed record ChatTemplateFile(
        EquatableArray<NamedTemplate> Templates,
        EquatableArray<SpecialToken> SpecialTokens,
        string? JsonError,
        string? TemplateError)
    {
        /// <summary>Whether the file provides the model's chat template (possibly a broken one).</summary>
        public bool HasTemplate => Templates.Count > 0 || TemplateError is not null || JsonError is not null;

        /// <summary>The special tokens as the template's variables: a text, or a list of texts.</summary>
        /// <returns>The variables by name.</returns>
        public Dictionary<string, object?> SpecialTokenVariables()
        {
            var variables = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var token in SpecialTokens)
            {
                variables[token.Name] = token.IsList ? token.Values.Select(v => (object?)v).ToList() : token.Values[0];
            }

            return variables;
        }

        /// <summary>The template rendered without tools (the single one, else the one named "default"), chosen as the runtime chooses; null when <see cref="TemplateError"/> says why there is none.</summary>
        public NamedTemplate? Main
        {
            get
            {
                var main = ModelChatTemplate.MainTemplateName(Templates.Select(t => t.Name).ToList(), out _);
                return main is null ? null : Templates.First(t => t.Name == main);
            }
        }
    }
}
