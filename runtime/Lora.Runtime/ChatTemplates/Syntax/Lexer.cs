using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using Lora.Runtime.ChatTemplates.Values;

namespace Lora.Runtime.ChatTemplates.Syntax;

/// <summary>
/// Splits a template into text and tag tokens the way Jinja's lexer does in transformers' environment: newlines
/// normalized to \n and one trailing newline dropped; trim_blocks (the newline after a block or comment tag is
/// removed); lstrip_blocks (spaces and tabs before a block or comment tag on its own line are removed); <c>-</c> strips
/// all whitespace on that side of a tag, <c>+</c> turns lstrip/trim off for that tag.
/// </summary>
internal sealed partial class Lexer
{
    private readonly string _source;
    private readonly SourcePositions _positions;
    private readonly List<Token> _tokens = [];
    private int _pos;

    // Whether the text being lexed starts a line (start of template, or the previous tag's match ended with "\n"):
    // lstrip_blocks then strips leading whitespace of a first line that has no newline of its own.
    private bool _lineStarting = true;

    private Lexer(string source)
    {
        _source = source;
        _positions = new SourcePositions(source);
    }

    public static List<Token> Tokenize(string template)
    {
        var lexer = new Lexer(Normalize(template));
        lexer.Run();
        return lexer._tokens;
    }

    /// <summary>Jinja splits the source on \r\n, \r and \n, rejoins with \n and drops one trailing newline.</summary>
    private static string Normalize(string template)
    {
        var text = template.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        return text.EndsWith('\n') ? text[..^1] : text;
    }

    private static readonly Regex RawBeginPattern = new(@"\G\{%([-+]?)\s*raw\s*(-%\}|%\})");

    private static readonly Regex RawEndPattern = new(@"\{%([-+]?)\s*endraw\s*(\+%\}|-%\}|%\})");

    private void Run()
    {
        while (_pos < _source.Length)
        {
            var tag = FindTagStart(_pos);
            if (tag < 0)
            {
                AddData(_source[_pos..], _pos);
                break;
            }

            var kind = _source[tag + 1];
            var sign = tag + 2 < _source.Length && _source[tag + 2] is '-' or '+' ? _source[tag + 2] : '\0';
            AddData(ApplyLeftWhitespaceControl(_source[_pos..tag], sign, kind != '{'), _pos);

            var raw = kind == '%' ? RawBeginPattern.Match(_source, tag) : Match.Empty;
            if (raw.Success)
                LexRaw(raw);
            else if (kind == '#')
                SkipComment(tag, sign);
            else
                LexTag(tag, kind, sign);
        }

        var (line, column) = _positions.At(_source.Length);
        _tokens.Add(new Token(TokenKind.End, "", line, column));
    }

    private int FindTagStart(int from)
    {
        for (var i = _source.IndexOf('{', from); i >= 0 && i + 1 < _source.Length; i = _source.IndexOf('{', i + 1))
        {
            if (_source[i + 1] is '{' or '%' or '#')
                return i;
        }

        return -1;
    }

    /// <summary>The text before a tag after the tag's <c>-</c> (rstrip) or lstrip_blocks (block and comment tags only).</summary>
    private string ApplyLeftWhitespaceControl(string text, char sign, bool lstripApplies)
    {
        if (sign == '-')
            return PyText.Strip(text, null, false, true);
        if (sign == '+' || !lstripApplies)
            return text;
        var lineStart = text.LastIndexOf('\n') + 1;
        if ((lineStart > 0 || _lineStarting) && lineStart < text.Length && IsAllWhitespace(text, lineStart))
            return text[..lineStart];
        return text;
    }

    private static bool IsAllWhitespace(string text, int from)
    {
        for (var i = from; i < text.Length; i++)
        {
            if (!PyText.IsSpace(text[i]))
                return false;
        }

        return true;
    }

    private void AddData(string text, int offset)
    {
        if (text.Length == 0)
            return;
        var (line, column) = _positions.At(offset);
        _tokens.Add(new Token(TokenKind.Data, text, line, column));
    }

    /// <summary>After a closing marker: <c>-</c> skips all whitespace, a plain block/comment end eats one newline.</summary>
    private void FinishTag(int afterMarker, char endSign, bool trims)
    {
        var end = afterMarker;
        if (endSign == '-')
        {
            while (end < _source.Length && PyText.IsSpace(_source[end]))
                end++;
        }
        else if (endSign != '+' && trims && end < _source.Length && _source[end] == '\n')
        {
            end++;
        }

        _lineStarting = end > 0 && _source[end - 1] == '\n';
        _pos = end;
    }

    private void SkipComment(int tag, char sign)
    {
        var contentStart = tag + 2 + (sign == '\0' ? 0 : 1);
        var close = _source.IndexOf("#}", contentStart, StringComparison.Ordinal);
        if (close < 0)
            throw Error(tag, "missing end of comment tag");
        var endSign = close > contentStart && _source[close - 1] is '-' or '+' ? _source[close - 1] : '\0';
        FinishTag(close + 2, endSign, trims: true);
    }

    private void LexRaw(Match begin)
    {
        var contentStart = begin.Index + begin.Length;
        if (begin.Groups[2].Value.StartsWith('-'))
        {
            while (contentStart < _source.Length && PyText.IsSpace(_source[contentStart]))
                contentStart++;
        }

        var end = RawEndPattern.Match(_source, contentStart);
        if (!end.Success)
            throw Error(begin.Index, "missing end of raw directive");
        var sign = end.Groups[1].Value.Length > 0 ? end.Groups[1].Value[0] : '\0';
        _lineStarting = false;
        AddData(ApplyLeftWhitespaceControl(_source[contentStart..end.Index], sign, true), contentStart);
        var endMarker = end.Groups[2].Value;
        FinishTag(end.Index + end.Length, endMarker.Length == 3 ? endMarker[0] : '\0', trims: true);
    }

    private ChatTemplateException Error(int offset, string problem)
    {
        var (line, column) = _positions.At(offset);
        return new ChatTemplateException(line, column, problem);
    }
}
