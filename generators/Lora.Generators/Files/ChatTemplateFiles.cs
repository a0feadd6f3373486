using System;
using System.Collections.Generic;
using System.Linq;
using Lora.Generators.Common;
using Lora.Generators.Json;
using Lora.Runtime.ChatTemplates;

namespace Lora.Generators.Files
{
    /// <summary>
    /// The files of a model folder that hold its chat template, beside config.json, and how they are read: as the
    /// runtime's ChatTemplateLoader reads them (transformers' order: chat_template.jinja, then chat_template.json, then
    /// "chat_template" in tokenizer_config.json, whose special tokens are the template's variables).
    /// </summary>
    internal static class ChatTemplateFiles
    {
        /// <summary>The template as a Jinja file.</summary>
        public const string Jinja = "chat_template.jinja";

        /// <summary>The template as {"chat_template": …}.</summary>
        public const string Json = "chat_template.json";

        /// <summary>The tokenizer's settings: the special tokens, and the template when neither file above exists.</summary>
        public const string TokenizerConfig = "tokenizer_config.json";

        /// <summary>The three, in the order the template is looked for.</summary>
        public static readonly string[] Names = { Jinja, Json, TokenizerConfig };

        /// <summary>Whether a file name is one of <see cref="Names"/>.</summary>
        /// <param name="fileName">The name without folder.</param>
        /// <returns>True when it is.</returns>
        public static bool IsChatTemplateFile(string fileName) => Array.IndexOf(Names, fileName) >= 0;

        /// <summary>Reads one of the files.</summary>
        /// <param name="fileName">Which one (<see cref="Names"/>).</param>
        /// <param name="text">Its text.</param>
        /// <returns>What it says about the chat template.</returns>
        public static ChatTemplateFile Read(string fileName, string text)
        {
            if (fileName == Jinja)
            {
                return new ChatTemplateFile(new[] { new NamedTemplate("", text) }.ToEquatableArray(), EquatableArray<SpecialToken>.Empty, null, null);
            }

            var parsed = JsonReader.Parse(text);
            if (parsed.Value is not { } root)
            {
                return new ChatTemplateFile(EquatableArray<NamedTemplate>.Empty, EquatableArray<SpecialToken>.Empty, "is not valid JSON (" + parsed.Error + ")", null);
            }

            var template = root.Kind == JsonKind.Object ? root.Get("chat_template") : null;
            if (fileName == Json)
            {
                return template is null
                    ? new ChatTemplateFile(EquatableArray<NamedTemplate>.Empty, EquatableArray<SpecialToken>.Empty, null, "has no \"chat_template\"")
                    : Templates(template, EquatableArray<SpecialToken>.Empty);
            }

            var tokens = SpecialTokens(root);
            return template is null || template.Kind == JsonKind.Null
                ? new ChatTemplateFile(EquatableArray<NamedTemplate>.Empty, tokens, null, null)
                : Templates(template, tokens);
        }

        /// <summary>A template string, or named templates from a list of {name, template} or an object.</summary>
        private static ChatTemplateFile Templates(JsonNode value, EquatableArray<SpecialToken> tokens)
        {
            var templates = new List<NamedTemplate>();
            string? error = null;
            switch (value.Kind)
            {
                case JsonKind.String:
                    templates.Add(new NamedTemplate("", value.Text));
                    break;
                case JsonKind.Array:
                    foreach (var entry in value.Items)
                    {
                        if (entry.Get("name") is not { Kind: JsonKind.String } name || entry.Get("template") is not { Kind: JsonKind.String } text)
                        {
                            error = "has a named chat template without a string \"name\" and \"template\"";
                            break;
                        }

                        Set(templates, name.Text, text.Text);
                    }

                    break;
                case JsonKind.Object:
                    foreach (var member in value.Members)
                    {
                        if (member.Value.Kind != JsonKind.String)
                        {
                            error = "has a chat template '" + member.Key + "' that is not a string";
                            break;
                        }

                        Set(templates, member.Key, member.Value.Text);
                    }

                    break;
                default:
                    error = "has a \"chat_template\" that is neither a string nor a list of named templates";
                    break;
            }

            if (error is null && ModelChatTemplate.MainTemplateName(templates.Select(t => t.Name).ToList(), out var problem) is null)
            {
                error = "has " + problem;
            }

            return error is null
                ? new ChatTemplateFile(templates.ToEquatableArray(), tokens, null, null)
                : new ChatTemplateFile(EquatableArray<NamedTemplate>.Empty, tokens, null, error);
        }

        // A later template of the same name replaces the earlier one, as in the runtime's dictionary.
        private static void Set(List<NamedTemplate> templates, string name, string text)
        {
            var index = templates.FindIndex(t => t.Name == name);
            if (index >= 0)
            {
                templates[index] = new NamedTemplate(name, text);
            }
            else
            {
                templates.Add(new NamedTemplate(name, text));
            }
        }

        /// <summary>What tokenizer.special_tokens_map gives: the set tokens as text (an AddedToken's "content").</summary>
        private static EquatableArray<SpecialToken> SpecialTokens(JsonNode config)
        {
            var tokens = new List<SpecialToken>();
            if (config.Kind != JsonKind.Object)
            {
                return EquatableArray<SpecialToken>.Empty;
            }

            foreach (var name in ModelChatTemplate.SpecialTokenNames)
            {
                var value = config.Get(name);
                if (value is { Kind: JsonKind.Array })
                {
                    var items = value.Items.Select(TokenText).Where(t => t is not null).Select(t => t!).ToList();
                    if (items.Count > 0)
                    {
                        tokens.Add(new SpecialToken(name, items.ToEquatableArray(), true));
                    }
                }
                else if (value is not null && TokenText(value) is { Length: > 0 } text)
                {
                    tokens.Add(new SpecialToken(name, new[] { text }.ToEquatableArray(), false));
                }
            }

            return tokens.ToEquatableArray();
        }

        private static string? TokenText(JsonNode token) => token.Kind switch
        {
            JsonKind.String => token.Text,
            JsonKind.Object => token.Get("content") is { Kind: JsonKind.String } content ? content.Text : null,
            _ => null,
        };
    }
}
