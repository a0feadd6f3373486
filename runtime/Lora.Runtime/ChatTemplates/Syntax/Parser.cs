using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using Lora.Runtime.ChatTemplates.Rendering;

namespace Lora.Runtime.ChatTemplates.Syntax;

/// <summary>
/// Builds the statement tree from the tokens, with Jinja's grammar. Tags, filters, tests and functions outside the
/// supported subset are refused here, naming the line and column, so a template either renders as transformers
/// would or does not load.
/// </summary>
internal sealed partial class Parser
{
    private static readonly HashSet<string> UnsupportedTags =
        ["extends", "include", "import", "from", "block", "with", "autoescape", "do", "trans", "pluralize"];

    private readonly List<Token> _tokens;
    private int _index;
    private int _loopDepth;

    private Parser(List<Token> tokens) => _tokens = tokens;

    public static List<Stmt> Parse(string template)
    {
        var parser = new Parser(Lexer.Tokenize(template));
        var body = parser.ParseBody([], out _);
        return body;
    }

    private Token Current => _tokens[_index];

    private Token Peek(int ahead = 1) => _tokens[Math.Min(_index + ahead, _tokens.Count - 1)];

    private Token Next() => _tokens[_index++];

    private static ChatTemplateException Error(Token at, string problem) => new(at.Line, at.Column, problem);

    /// <summary>
    /// Refuses nesting deeper than the stack allows, as Python's parser does with RecursionError, instead of overflowing
    /// it and ending the process (the compiler's, when the generator parses a model's template).
    /// </summary>
    private static void EnsureStack(Token at)
    {
        try
        {
            RuntimeHelpers.EnsureSufficientExecutionStack();
        }
        catch (InsufficientExecutionStackException)
        {
            throw Error(at, "the template nests too deeply");
        }
    }

    private Token Expect(TokenKind kind, string? text = null)
    {
        var token = Current;
        if (token.Kind != kind || (text is not null && token.Text != text))
        {
            var wanted = text is not null ? $"'{text}'" : kind switch
            {
                TokenKind.Name => "a name",
                TokenKind.BlockEnd => "end of statement block",
                TokenKind.VariableEnd => "end of print statement",
                _ => kind.ToString(),
            };
            throw Error(token, $"expected {wanted}, got {token}");
        }

        _index++;
        return token;
    }

    private void ExpectBlockEnd() => Expect(TokenKind.BlockEnd);

    /// <summary>
    /// Statements up to one of <paramref name="endTags"/> (its <c>{%</c> and name consumed, the name returned in
    /// <paramref name="endTag"/>) or the end of the template when there are none.
    /// </summary>
    private List<Stmt> ParseBody(string[] endTags, out string endTag)
    {
        var body = new List<Stmt>();
        while (true)
        {
            var token = Current;
            switch (token.Kind)
            {
                case TokenKind.Data:
                    _index++;
                    body.Add(new TextStmt(token.Text, token.Line, token.Column));
                    break;
                case TokenKind.VariableBegin:
                    _index++;
                    var value = ParseTuple();
                    Expect(TokenKind.VariableEnd);
                    body.Add(new PrintStmt(value, token.Line, token.Column));
                    break;
                case TokenKind.BlockBegin:
                    _index++;
                    var name = Current;
                    if (name.Kind != TokenKind.Name)
                        throw Error(name, "tag name expected");
                    if (Array.IndexOf(endTags, name.Text) >= 0)
                    {
                        _index++;
                        endTag = name.Text;
                        return body;
                    }

                    body.Add(ParseStatement(token));
                    break;
                case TokenKind.End:
                    if (endTags.Length > 0)
                        throw Error(token, $"unexpected end of template, expected '{endTags.First(t => t.StartsWith("end", StringComparison.Ordinal))}'");
                    endTag = "";
                    return body;
                default:
                    throw Error(token, $"unexpected {token}");
            }
        }
    }

    private List<Stmt> ParseBlockBody(string endTag)
    {
        var body = ParseBody([endTag], out _);
        ExpectBlockEnd();
        return body;
    }

    private Stmt ParseStatement(Token begin)
    {
        var tag = Current;
        EnsureStack(tag);
        switch (tag.Text)
        {
            case "for": return ParseFor(begin);
            case "if": return ParseIf(begin);
            case "set": return ParseSet(begin);
            case "macro": return ParseMacro(begin);
            case "call": return ParseCallBlock(begin);
            case "filter": return ParseFilterBlock(begin);
            case "generation":
                _index++;
                ExpectBlockEnd();
                return new GenerationStmt(ParseBlockBody("endgeneration"), begin.Line, begin.Column);
            case "break" or "continue":
                _index++;
                if (_loopDepth == 0)
                    throw Error(tag, $"'{tag.Text}' outside of a loop");
                ExpectBlockEnd();
                return tag.Text == "break" ? new BreakStmt(begin.Line, begin.Column) : new ContinueStmt(begin.Line, begin.Column);
            default:
                if (UnsupportedTags.Contains(tag.Text))
                    throw Error(tag, $"'{tag.Text}' statements are not supported");
                throw Error(tag, $"unknown tag '{tag.Text}'");
        }
    }

    private ForStmt ParseFor(Token begin)
    {
        _index++;
        var target = ParseAssignTarget(withNamespace: false);
        Expect(TokenKind.Name, "in");
        var iterable = ParseTuple(withCondExpr: false, extraEnd: "recursive");
        Expr? filter = null;
        if (Current.IsName("if"))
        {
            _index++;
            filter = ParseExpression();
        }

        if (Current.IsName("recursive"))
            throw Error(Current, "recursive for loops are not supported");
        ExpectBlockEnd();
        _loopDepth++;
        var body = ParseBody(["endfor", "else"], out var end);
        _loopDepth--;
        ExpectBlockEnd();
        List<Stmt>? otherwise = null;
        if (end == "else")
            otherwise = ParseBlockBody("endfor");
        return new ForStmt(target, iterable, filter, body, otherwise, begin.Line, begin.Column);
    }

    private IfStmt ParseIf(Token begin)
    {
        _index++;
        var branches = new List<(Expr, List<Stmt>)>();
        List<Stmt>? otherwise = null;
        var test = ParseTuple(withCondExpr: false);
        while (true)
        {
            ExpectBlockEnd();
            var body = ParseBody(["elif", "else", "endif"], out var end);
            branches.Add((test, body));
            if (end == "elif")
            {
                test = ParseTuple(withCondExpr: false);
                continue;
            }

            if (end == "else")
            {
                ExpectBlockEnd();
                otherwise = ParseBlockBody("endif");
                break;
            }

            ExpectBlockEnd();
            break;
        }

        return new IfStmt(branches, otherwise, begin.Line, begin.Column);
    }

    private Stmt ParseSet(Token begin)
    {
        _index++;
        var target = ParseAssignTarget(withNamespace: true);
        if (Current.IsOperator("="))
        {
            _index++;
            var value = ParseTuple();
            ExpectBlockEnd();
            return new SetStmt(target, value, begin.Line, begin.Column);
        }

        FilterExpr? filter = null;
        if (Current.IsOperator("|"))
            filter = ParseFilterChain(null);
        ExpectBlockEnd();
        var body = ParseBlockBody("endset");
        return new SetBlockStmt(target, body, filter, begin.Line, begin.Column);
    }

    private MacroStmt ParseMacro(Token begin)
    {
        _index++;
        var name = Expect(TokenKind.Name).Text;
        var parameters = ParseMacroParameters();
        ExpectBlockEnd();
        // break/continue inside a macro do not reach an enclosing loop.
        var loopDepth = _loopDepth;
        _loopDepth = 0;
        var body = ParseBlockBody("endmacro");
        _loopDepth = loopDepth;
        return new MacroStmt(name, parameters, body, begin.Line, begin.Column);
    }

    private List<MacroParameter> ParseMacroParameters()
    {
        var parameters = new List<MacroParameter>();
        Expect(TokenKind.Operator, "(");
        while (!Current.IsOperator(")"))
        {
            if (parameters.Count > 0)
                Expect(TokenKind.Operator, ",");
            if (Current.IsOperator(")"))
                break;
            var name = Expect(TokenKind.Name);
            Expr? fallback = null;
            if (Current.IsOperator("="))
            {
                _index++;
                fallback = ParseExpression();
            }
            else if (parameters.Any(p => p.Default is not null))
            {
                throw Error(name, "non-default argument follows default argument");
            }

            parameters.Add(new MacroParameter(name.Text, fallback));
        }

        _index++;
        return parameters;
    }

    private CallBlockStmt ParseCallBlock(Token begin)
    {
        _index++;
        var callerParameters = Current.IsOperator("(") ? ParseMacroParameters() : [];
        var at = Current;
        if (ParseExpression() is not CallExpr call)
            throw Error(at, "expected a call");
        ExpectBlockEnd();
        var loopDepth = _loopDepth;
        _loopDepth = 0;
        var body = ParseBlockBody("endcall");
        _loopDepth = loopDepth;
        return new CallBlockStmt(call, callerParameters, body, begin.Line, begin.Column);
    }

    private FilterBlockStmt ParseFilterBlock(Token begin)
    {
        _index++;
        var filter = ParseFilterChain(null, startInline: true);
        ExpectBlockEnd();
        return new FilterBlockStmt(filter, ParseBlockBody("endfilter"), begin.Line, begin.Column);
    }

    /// <summary>A set/for target: a name, <c>a, b</c>, <c>(a, b)</c>, or (for set) <c>ns.attr</c>.</summary>
    private Target ParseAssignTarget(bool withNamespace)
    {
        if (withNamespace && Current.Kind == TokenKind.Name && Peek().IsOperator(".") && Peek(2).Kind == TokenKind.Name)
        {
            var ns = Next();
            _index++;
            var attribute = Next();
            return new NamespaceTarget(ns.Text, attribute.Text, ns.Line, ns.Column);
        }

        var items = new List<Target>();
        var sawComma = false;
        while (true)
        {
            items.Add(ParseTargetItem());
            if (!Current.IsOperator(","))
                break;
            sawComma = true;
            _index++;
            if (Current.IsName("in") || Current.IsOperator("=") || Current.Kind == TokenKind.BlockEnd)
                break;
        }

        return sawComma ? new TupleTarget(items) : items[0];
    }

    private Target ParseTargetItem()
    {
        if (Current.IsOperator("("))
        {
            _index++;
            var inner = ParseAssignTarget(withNamespace: false);
            Expect(TokenKind.Operator, ")");
            return inner;
        }

        var name = Expect(TokenKind.Name);
        if (name.Text is "true" or "false" or "none" or "True" or "False" or "None")
            throw Error(name, $"cannot assign to '{name.Text}'");
        return new NameTarget(name.Text);
    }
}
