using System;
using Lora.Runtime.ChatTemplates;

namespace Lora.Generators.Files
{
    /// <summary>
    /// A chat template's text and what the runtime's parser made of it: the template, or the problem and its place.
    /// Equal when the texts are equal (parsing is a function of the text), so the pipeline parses each distinct text once.
    /// </summary>
    internal sealed class ParsedChatTemplate : IEquatable<ParsedChatTemplate>
    {
        private ParsedChatTemplate(string text, ChatTemplate? template, int line, int column, string? problem)
        {
            Text = text;
            Template = template;
            Line = line;
            Column = column;
            Problem = problem;
        }

        /// <summary>The Jinja source.</summary>
        public string Text { get; }

        /// <summary>The parsed template, or null when <see cref="Problem"/> says why not.</summary>
        public ChatTemplate? Template { get; }

        /// <summary>The 1-based line of the problem in the template (0 when it has no place).</summary>
        public int Line { get; }

        /// <summary>The 1-based column of the problem.</summary>
        public int Column { get; }

        /// <summary>A syntax error or unsupported feature, in the runtime's words, or null.</summary>
        public string? Problem { get; }

        /// <summary>Parses a template with the runtime's engine.</summary>
        /// <param name="text">The Jinja source.</param>
        /// <returns>The outcome.</returns>
        public static ParsedChatTemplate Parse(string text)
        {
            try
            {
                return new ParsedChatTemplate(text, ChatTemplate.Parse(text), 0, 0, null);
            }
            catch (ChatTemplateException e)
            {
                return new ParsedChatTemplate(text, null, e.Line, e.Column, e.Problem);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The engine has no other refusal; should it fail otherwise, the template is reported rather than the compiler's run ended.
                return new ParsedChatTemplate(text, null, 0, 0, e.Message);
            }
        }

        /// <inheritdoc/>
        public bool Equals(ParsedChatTemplate? other) => other is not null && string.Equals(Text, other.Text, StringComparison.Ordinal);

        /// <inheritdoc/>
        public override bool Equals(object? obj) => Equals(obj as ParsedChatTemplate);

        /// <inheritdoc/>
        public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Text);
    }
}
