using System.Text;

namespace Lora.Generators.Emitting
{
    /// <summary>Writes C# source with four-space indentation and '\n' line ends.</summary>
    internal sealed class SourceWriter
    {
        private readonly StringBuilder _builder = new();
        private int _indent;

        /// <summary>Writes one indented line (an empty line has no indentation).</summary>
        /// <param name="line">The line's text.</param>
        /// <returns>This writer.</returns>
        public SourceWriter Line(string line = "")
        {
            if (line.Length > 0)
            {
                _builder.Append(' ', _indent * 4);
            }

            _builder.Append(line).Append('\n');
            return this;
        }

        /// <summary>Writes "{" and indents.</summary>
        /// <returns>This writer.</returns>
        public SourceWriter Open()
        {
            Line("{");
            _indent++;
            return this;
        }

        /// <summary>Outdents and writes "}" plus an optional suffix such as ";".</summary>
        /// <param name="suffix">Text after the brace.</param>
        /// <returns>This writer.</returns>
        public SourceWriter Close(string suffix = "")
        {
            _indent--;
            return Line("}" + suffix);
        }

        /// <summary>Indents the following lines.</summary>
        /// <returns>This writer.</returns>
        public SourceWriter Indent()
        {
            _indent++;
            return this;
        }

        /// <summary>Outdents the following lines.</summary>
        /// <returns>This writer.</returns>
        public SourceWriter Outdent()
        {
            _indent--;
            return this;
        }

        /// <inheritdoc/>
        public override string ToString() => _builder.ToString();
    }
}
