using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;
using Lora.Runtime.ChatTemplates.Values;

namespace Lora.Runtime.ChatTemplates.Syntax;

/// <summary>The inside of <c>{{ … }}</c> and <c>{% … %}</c>: names, literals and operators up to the closing marker.</summary>
internal sealed partial class Lexer
{
    // Longest first, so "//" wins over "/".
    private static readonly string[] Operators =
    [
        "//", "**", "==", "!=", "<=", ">=",
        "+", "-", "*", "/", "%", "~", "<", ">", "=", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|", ";",
    ];

    // Interpreted rather than [GeneratedRegex]: the generator compiles this file for netstandard2.0, which has no regex
    // source generator; a template is lexed once.
    private static readonly Regex FloatPattern = new(@"\G(?<![.])(\d+_)*\d+((\.(\d+_)*\d+)?[eE][+\-]?(\d+_)*\d+|\.(\d+_)*\d+)");

    private static readonly Regex IntegerPattern = new(@"\G(0[bB](_?[01])+|0[oO](_?[0-7])+|0[xX](_?[\da-fA-F])+|[1-9](_?\d)*|0(_?0)*)");

    private static readonly Regex NamePattern = new(@"\G[a-zA-Z_][a-zA-Z0-9_]*");

    private void LexTag(int tag, char kind, char sign)
    {
        var isBlock = kind == '%';
        var begin = _positions.At(tag);
        _tokens.Add(new Token(isBlock ? TokenKind.BlockBegin : TokenKind.VariableBegin, _source.Substring(tag, 2), begin.Line, begin.Column));
        var pos = tag + 2 + (sign == '\0' ? 0 : 1);
        // Inside (), [] or {} a closing marker is not one: "{{ {'a': {'b': 1}} }}" is a dict, as in Jinja's lexer.
        var brackets = new Stack<char>();
        while (true)
        {
            while (pos < _source.Length && PyText.IsSpace(_source[pos]))
                pos++;
            if (pos >= _source.Length)
                throw Error(tag, isBlock ? "unexpected end of template, expected '%}'" : "unexpected end of template, expected '}}'");
            var (line, column) = _positions.At(pos);

            if (brackets.Count == 0 && TryCloseTag(pos, isBlock, line, column))
                return;

            var c = _source[pos];
            if (c is '\'' or '"')
            {
                pos = LexString(pos, line, column);
                continue;
            }

            Match number;
            if (char.IsAsciiDigit(c) && (number = FloatPattern.Match(_source, pos)).Success)
            {
                var text = number.Value.Replace("_", "", StringComparison.Ordinal);
                _tokens.Add(new Token(TokenKind.Float, number.Value, line, column) { Value = double.Parse(text, CultureInfo.InvariantCulture) });
                pos += number.Length;
                continue;
            }

            if (char.IsAsciiDigit(c) && (number = IntegerPattern.Match(_source, pos)).Success)
            {
                _tokens.Add(new Token(TokenKind.Integer, number.Value, line, column) { Value = ParseInteger(number.Value, pos) });
                pos += number.Length;
                continue;
            }

            var name = NamePattern.Match(_source, pos);
            if (name.Success)
            {
                _tokens.Add(new Token(TokenKind.Name, name.Value, line, column));
                pos += name.Length;
                continue;
            }

            var op = Array.Find(Operators, o => string.CompareOrdinal(_source, pos, o, 0, o.Length) == 0)
                ?? throw Error(pos, $"unexpected char {PyFormat.Repr(c.ToString())}");
            switch (op)
            {
                case "(" or "[" or "{":
                    brackets.Push(op[0]);
                    break;
                case ")" or "]" or "}":
                    var expected = op switch { ")" => '(', "]" => '[', _ => '{' };
                    if (brackets.Count == 0)
                        throw Error(pos, $"unexpected '{op}'");
                    if (brackets.Pop() != expected)
                        throw Error(pos, $"unexpected '{op}'");
                    break;
            }

            _tokens.Add(new Token(TokenKind.Operator, op, line, column));
            pos += op.Length;
        }
    }

    private bool TryCloseTag(int pos, bool isBlock, int line, int column)
    {
        var closer = isBlock ? "%}" : "}}";
        char endSign = '\0';
        var markerAt = pos;
        if (isBlock && _source[pos] is '-' or '+' && Follows(pos + 1, closer))
        {
            endSign = _source[pos];
            markerAt = pos + 1;
        }
        else if (!isBlock && _source[pos] == '-' && Follows(pos + 1, closer))
        {
            endSign = '-';
            markerAt = pos + 1;
        }
        else if (!Follows(pos, closer))
        {
            return false;
        }

        _tokens.Add(new Token(isBlock ? TokenKind.BlockEnd : TokenKind.VariableEnd, closer, line, column));
        // trim_blocks applies to block tags, not to {{ }}.
        FinishTag(markerAt + 2, endSign, trims: isBlock);
        return true;
    }

    private bool Follows(int pos, string text) =>
        pos + text.Length <= _source.Length && string.CompareOrdinal(_source, pos, text, 0, text.Length) == 0;

    private int LexString(int start, int line, int column)
    {
        var quote = _source[start];
        var i = start + 1;
        while (i < _source.Length && _source[i] != quote)
            i += _source[i] == '\\' ? 2 : 1;
        if (i >= _source.Length)
            throw Error(start, "unexpected end of string");
        var body = _source[(start + 1)..i];
        var value = StringLiteral.Unescape(body, problem => Error(start, problem));
        _tokens.Add(new Token(TokenKind.String, _source[start..(i + 1)], line, column) { Value = value });
        return i + 1;
    }

    private long ParseInteger(string text, int pos)
    {
        var digits = text.Replace("_", "", StringComparison.Ordinal);
        try
        {
            if (digits.Length > 2 && digits[0] == '0' && char.IsLetter(digits[1]))
            {
                var radix = char.ToLowerInvariant(digits[1]) switch { 'b' => 2, 'o' => 8, _ => 16 };
                return Convert.ToInt64(digits[2..], radix);
            }

            return long.Parse(digits, CultureInfo.InvariantCulture);
        }
        catch (OverflowException)
        {
            throw Error(pos, $"integer literal {text} is too large (64-bit integers only)");
        }
    }
}
