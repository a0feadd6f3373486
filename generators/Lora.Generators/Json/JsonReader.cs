using System.Globalization;
using System.Text;

namespace Lora.Generators.Json
{
    /// <summary>
    /// A small strict JSON parser (RFC 8259) for config.json and dataset lines: the generator runs inside the
    /// compiler and cannot bring System.Text.Json along.
    /// </summary>
    internal sealed class JsonReader
    {
        private const int MaxDepth = 64;
        private readonly string _text;
        private int _position;
        private string? _error;
        private int _errorPosition;

        private JsonReader(string text)
        {
            _text = text;
        }

        /// <summary>Parses a complete JSON text; trailing non-space characters are an error.</summary>
        /// <param name="text">The text.</param>
        /// <returns>The value or the first error.</returns>
        public static JsonParseResult Parse(string text)
        {
            var reader = new JsonReader(text);
            reader.SkipSpace();
            var value = reader.ReadValue(0);
            if (value is not null)
            {
                reader.SkipSpace();
                if (reader._position < text.Length)
                {
                    reader.Fail("unexpected '" + text[reader._position] + "' after the value");
                    value = null;
                }
            }

            return value is null
                ? new JsonParseResult(null, reader._error ?? "invalid JSON", reader._errorPosition + 1)
                : new JsonParseResult(value, null, 0);
        }

        private JsonNode? ReadValue(int depth)
        {
            if (depth > MaxDepth)
            {
                return Fail("nesting deeper than " + MaxDepth);
            }

            if (_position >= _text.Length)
            {
                return Fail("unexpected end of text, expected a value");
            }

            switch (_text[_position])
            {
                case '{':
                    return ReadObject(depth);
                case '[':
                    return ReadArray(depth);
                case '"':
                    var text = ReadString();
                    return text is null ? null : JsonNode.NewString(text);
                case 't':
                    return ReadLiteral("true", JsonNode.NewBoolean(true));
                case 'f':
                    return ReadLiteral("false", JsonNode.NewBoolean(false));
                case 'n':
                    return ReadLiteral("null", JsonNode.NewNull());
                default:
                    return ReadNumber();
            }
        }

        private JsonNode? ReadObject(int depth)
        {
            var node = JsonNode.NewObject();
            _position++;
            SkipSpace();
            if (Peek() == '}')
            {
                _position++;
                return node;
            }

            while (true)
            {
                SkipSpace();
                if (Peek() != '"')
                {
                    return Fail("expected a member name in double quotes");
                }

                var name = ReadString();
                if (name is null)
                {
                    return null;
                }

                SkipSpace();
                if (Peek() != ':')
                {
                    return Fail("expected ':' after the member name");
                }

                _position++;
                SkipSpace();
                var value = ReadValue(depth + 1);
                if (value is null)
                {
                    return null;
                }

                node.Members.Add(new System.Collections.Generic.KeyValuePair<string, JsonNode>(name, value));
                SkipSpace();
                var next = Peek();
                _position++;
                if (next == '}')
                {
                    return node;
                }

                if (next != ',')
                {
                    _position--;
                    return Fail("expected ',' or '}'");
                }
            }
        }

        private JsonNode? ReadArray(int depth)
        {
            var node = JsonNode.NewArray();
            _position++;
            SkipSpace();
            if (Peek() == ']')
            {
                _position++;
                return node;
            }

            while (true)
            {
                SkipSpace();
                var value = ReadValue(depth + 1);
                if (value is null)
                {
                    return null;
                }

                node.Items.Add(value);
                SkipSpace();
                var next = Peek();
                _position++;
                if (next == ']')
                {
                    return node;
                }

                if (next != ',')
                {
                    _position--;
                    return Fail("expected ',' or ']'");
                }
            }
        }

        private string? ReadString()
        {
            var builder = new StringBuilder();
            _position++;
            while (_position < _text.Length)
            {
                var c = _text[_position++];
                if (c == '"')
                {
                    return builder.ToString();
                }

                if (c < ' ')
                {
                    _position--;
                    Fail("control character in a string; escape it");
                    return null;
                }

                if (c != '\\')
                {
                    builder.Append(c);
                    continue;
                }

                if (_position >= _text.Length)
                {
                    break;
                }

                var escape = _text[_position++];
                switch (escape)
                {
                    case '"': builder.Append('"'); break;
                    case '\\': builder.Append('\\'); break;
                    case '/': builder.Append('/'); break;
                    case 'b': builder.Append('\b'); break;
                    case 'f': builder.Append('\f'); break;
                    case 'n': builder.Append('\n'); break;
                    case 'r': builder.Append('\r'); break;
                    case 't': builder.Append('\t'); break;
                    case 'u':
                        if (_position + 4 > _text.Length
                            || !int.TryParse(_text.Substring(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                        {
                            Fail("expected four hex digits after \\u");
                            return null;
                        }

                        builder.Append((char)code);
                        _position += 4;
                        break;
                    default:
                        _position--;
                        Fail("invalid escape '\\" + escape + "'");
                        return null;
                }
            }

            Fail("unterminated string");
            return null;
        }

        private JsonNode? ReadNumber()
        {
            var start = _position;
            var isInteger = true;
            if (Peek() == '-')
            {
                _position++;
            }

            if (!ReadDigits())
            {
                _position = start;
                return Fail("unexpected '" + _text[start] + "', expected a value");
            }

            if (Peek() == '.')
            {
                isInteger = false;
                _position++;
                if (!ReadDigits())
                {
                    return Fail("expected digits after '.'");
                }
            }

            if (Peek() is 'e' or 'E')
            {
                isInteger = false;
                _position++;
                if (Peek() is '+' or '-')
                {
                    _position++;
                }

                if (!ReadDigits())
                {
                    return Fail("expected digits in the exponent");
                }
            }

            var lexeme = _text.Substring(start, _position - start);
            return JsonNode.NewNumber(double.Parse(lexeme, NumberStyles.Float, CultureInfo.InvariantCulture), isInteger);
        }

        private bool ReadDigits()
        {
            var start = _position;
            while (_position < _text.Length && _text[_position] >= '0' && _text[_position] <= '9')
            {
                _position++;
            }

            return _position > start;
        }

        private JsonNode? ReadLiteral(string literal, JsonNode value)
        {
            if (string.CompareOrdinal(_text, _position, literal, 0, literal.Length) != 0)
            {
                return Fail("unexpected '" + _text[_position] + "', expected a value");
            }

            _position += literal.Length;
            return value;
        }

        private char Peek() => _position < _text.Length ? _text[_position] : '\0';

        private void SkipSpace()
        {
            while (_position < _text.Length && _text[_position] is ' ' or '\t' or '\r' or '\n' or '\uFEFF')
            {
                _position++;
            }
        }

        private JsonNode? Fail(string message)
        {
            if (_error is null)
            {
                _error = _position >= _text.Length && !message.StartsWith("unexpected end", System.StringComparison.Ordinal)
                    ? message + " (the text ends early)"
                    : message;
                _errorPosition = _position;
            }

            return null;
        }
    }
}
