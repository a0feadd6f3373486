using System.Collections.Generic;
using System.Linq;
using Lora.Runtime.ChatTemplates.Rendering;

namespace Lora.Runtime.ChatTemplates.Syntax;

/// <summary>Jinja's expression grammar, lowest precedence first: if-else, or, and, not, comparisons, + -, ~, * / // %, **, unary, filters and tests, postfix.</summary>
internal sealed partial class Parser
{
    private static readonly HashSet<string> ComparisonOperators = ["==", "!=", "<", "<=", ">", ">="];

    // Jinja's other globals: refused so a template using them fails at load rather than at some render.
    private static readonly HashSet<string> UnsupportedGlobals = ["lipsum", "cycler", "joiner"];

    /// <summary>Expressions separated by commas make a tuple (<c>{% set a, b = 1, 2 %}</c>, <c>{{ 1, 2 }}</c>).</summary>
    private Expr ParseTuple(bool withCondExpr = true, string? extraEnd = null, bool explicitParentheses = false)
    {
        var start = Current;
        var items = new List<Expr>();
        var sawComma = false;
        while (true)
        {
            if (items.Count > 0)
            {
                if (!Current.IsOperator(","))
                    break;
                _index++;
                sawComma = true;
            }

            if (IsTupleEnd(extraEnd))
                break;
            items.Add(withCondExpr ? ParseExpression() : ParseOr());
        }

        if (!sawComma)
        {
            if (items.Count == 1)
                return items[0];
            if (!explicitParentheses)
                throw Error(Current, $"expected an expression, got {Current}");
        }

        return new TupleExpr(items, start.Line, start.Column);
    }

    private bool IsTupleEnd(string? extraEnd) =>
        Current.Kind is TokenKind.VariableEnd or TokenKind.BlockEnd or TokenKind.End
        || Current.IsOperator(")")
        || (extraEnd is not null && Current.IsName(extraEnd));

    private Expr ParseExpression() => ParseConditional();

    private Expr ParseConditional()
    {
        var expr = ParseOr();
        while (Current.IsName("if"))
        {
            var at = Next();
            var test = ParseOr();
            Expr? otherwise = null;
            if (Current.IsName("else"))
            {
                _index++;
                otherwise = ParseConditional();
            }

            expr = new ConditionalExpr(test, expr, otherwise, at.Line, at.Column);
        }

        return expr;
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (Current.IsName("or"))
        {
            var at = Next();
            left = new OrExpr(left, ParseAnd(), at.Line, at.Column);
        }

        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        while (Current.IsName("and"))
        {
            var at = Next();
            left = new AndExpr(left, ParseNot(), at.Line, at.Column);
        }

        return left;
    }

    private Expr ParseNot()
    {
        if (Current.IsName("not"))
        {
            var at = Next();
            return new NotExpr(ParseNot(), at.Line, at.Column);
        }

        return ParseCompare();
    }

    private Expr ParseCompare()
    {
        var start = Current;
        var first = ParseMath1();
        var rest = new List<(string, Expr)>();
        while (true)
        {
            if (Current.Kind == TokenKind.Operator && ComparisonOperators.Contains(Current.Text))
            {
                var op = Next().Text;
                rest.Add((op, ParseMath1()));
            }
            else if (Current.IsName("in"))
            {
                _index++;
                rest.Add(("in", ParseMath1()));
            }
            else if (Current.IsName("not") && Peek().IsName("in"))
            {
                _index += 2;
                rest.Add(("notin", ParseMath1()));
            }
            else
            {
                break;
            }
        }

        return rest.Count == 0 ? first : new CompareExpr(first, rest, start.Line, start.Column);
    }

    private Expr ParseMath1()
    {
        var left = ParseConcat();
        while (Current.IsOperator("+") || Current.IsOperator("-"))
        {
            var op = Next();
            left = new BinaryExpr(op.Text, left, ParseConcat(), op.Line, op.Column);
        }

        return left;
    }

    private Expr ParseConcat()
    {
        var start = Current;
        var parts = new List<Expr> { ParseMath2() };
        while (Current.IsOperator("~"))
        {
            _index++;
            parts.Add(ParseMath2());
        }

        return parts.Count == 1 ? parts[0] : new ConcatExpr(parts, start.Line, start.Column);
    }

    private Expr ParseMath2()
    {
        var left = ParsePow();
        while (Current.Kind == TokenKind.Operator && Current.Text is "*" or "/" or "//" or "%")
        {
            var op = Next();
            left = new BinaryExpr(op.Text, left, ParsePow(), op.Line, op.Column);
        }

        return left;
    }

    private Expr ParsePow()
    {
        var left = ParseUnary();
        while (Current.IsOperator("**"))
        {
            var op = Next();
            left = new BinaryExpr("**", left, ParseUnary(), op.Line, op.Column);
        }

        return left;
    }

    private Expr ParseUnary(bool withFilter = true)
    {
        Expr node;
        if (Current.IsOperator("-") || Current.IsOperator("+"))
        {
            var op = Next();
            node = new UnaryExpr(op.Text, ParseUnary(withFilter: false), op.Line, op.Column);
        }
        else
        {
            node = ParsePrimary();
        }

        node = ParsePostfix(node);
        return withFilter ? ParseFilterTestAndCall(node) : node;
    }

    private Expr ParsePrimary()
    {
        var token = Current;
        EnsureStack(token);
        switch (token.Kind)
        {
            case TokenKind.Name:
                _index++;
                return token.Text switch
                {
                    "true" or "True" => new LiteralExpr(true, token.Line, token.Column),
                    "false" or "False" => new LiteralExpr(false, token.Line, token.Column),
                    "none" or "None" => new LiteralExpr(null, token.Line, token.Column),
                    _ => new NameExpr(token.Text, token.Line, token.Column),
                };
            case TokenKind.String:
                // Adjacent string literals concatenate, as in Python.
                var text = new System.Text.StringBuilder();
                while (Current.Kind == TokenKind.String)
                    text.Append((string)Next().Value!);
                return new LiteralExpr(text.ToString(), token.Line, token.Column);
            case TokenKind.Integer or TokenKind.Float:
                _index++;
                return new LiteralExpr(token.Value, token.Line, token.Column);
            case TokenKind.Operator when token.Text == "(":
                _index++;
                var inner = ParseTuple(explicitParentheses: true);
                Expect(TokenKind.Operator, ")");
                return inner;
            case TokenKind.Operator when token.Text == "[":
                _index++;
                var items = new List<Expr>();
                while (!Current.IsOperator("]"))
                {
                    if (items.Count > 0)
                        Expect(TokenKind.Operator, ",");
                    if (Current.IsOperator("]"))
                        break;
                    items.Add(ParseExpression());
                }

                _index++;
                return new ListExpr(items, token.Line, token.Column);
            case TokenKind.Operator when token.Text == "{":
                _index++;
                var pairs = new List<(Expr, Expr)>();
                while (!Current.IsOperator("}"))
                {
                    if (pairs.Count > 0)
                        Expect(TokenKind.Operator, ",");
                    if (Current.IsOperator("}"))
                        break;
                    var key = ParseExpression();
                    Expect(TokenKind.Operator, ":");
                    pairs.Add((key, ParseExpression()));
                }

                _index++;
                return new DictExpr(pairs, token.Line, token.Column);
            default:
                throw Error(token, $"unexpected {token}");
        }
    }

    private Expr ParsePostfix(Expr node)
    {
        while (true)
        {
            if (Current.IsOperator(".") || Current.IsOperator("["))
                node = ParseSubscript(node);
            else if (Current.IsOperator("("))
                node = ParseCall(node);
            else
                return node;
        }
    }

    private Expr ParseFilterTestAndCall(Expr node)
    {
        while (true)
        {
            if (Current.IsOperator("|"))
                node = ParseFilterChain(node);
            else if (Current.IsName("is"))
                node = ParseTest(node);
            else if (Current.IsOperator("("))
                node = ParseCall(node);
            else
                return node;
        }
    }

    private Expr ParseSubscript(Expr owner)
    {
        var token = Next();
        if (token.Text == ".")
        {
            var attribute = Next();
            if (attribute.Kind == TokenKind.Name)
                return new AttributeExpr(owner, attribute.Text, attribute.Line, attribute.Column);
            if (attribute.Kind == TokenKind.Integer)
                return new ItemExpr(owner, new LiteralExpr(attribute.Value, attribute.Line, attribute.Column), attribute.Line, attribute.Column);
            throw Error(attribute, $"expected name or number, got {attribute}");
        }

        var keys = new List<Expr>();
        while (!Current.IsOperator("]"))
        {
            if (keys.Count > 0)
                Expect(TokenKind.Operator, ",");
            if (Current.IsOperator("]"))
                break;
            keys.Add(ParseSubscribed(owner, token));
        }

        _index++;
        if (keys.Count == 1)
            return keys[0] is SliceExpr ? keys[0] : new ItemExpr(owner, keys[0], token.Line, token.Column);
        if (keys.Count == 0 || keys.Any(k => k is SliceExpr))
            throw Error(token, "unsupported subscript");
        return new ItemExpr(owner, new TupleExpr(keys, token.Line, token.Column), token.Line, token.Column);
    }

    // One part of [...]: an expression, or a slice start:stop:step whose parts are optional.
    private Expr ParseSubscribed(Expr owner, Token at)
    {
        Expr? start = null;
        if (!Current.IsOperator(":"))
        {
            start = ParseExpression();
            if (!Current.IsOperator(":"))
                return start;
        }

        _index++;
        Expr? stop = null;
        Expr? step = null;
        if (!Current.IsOperator("]") && !Current.IsOperator(",") && !Current.IsOperator(":"))
            stop = ParseExpression();
        if (Current.IsOperator(":"))
        {
            _index++;
            if (!Current.IsOperator("]") && !Current.IsOperator(","))
                step = ParseExpression();
        }

        return new SliceExpr(owner, start, stop, step, at.Line, at.Column);
    }

    private CallExpr ParseCall(Expr callee)
    {
        var open = Current;
        var arguments = ParseArguments();
        switch (callee)
        {
            case NameExpr name when UnsupportedGlobals.Contains(name.Name):
                throw Error(open, $"function '{name.Name}' is not supported");
            case AttributeExpr attribute when IsRefusedMethod(attribute.Name):
                throw new ChatTemplateException(attribute.Line, attribute.Column,
                    $"method '{attribute.Name}' is not supported (the sandbox's strings, lists and dicts are immutable and only common read-only methods are implemented)");
        }

        return new CallExpr(callee, arguments, open.Line, open.Column);
    }

    // A method name that Python's str, list or dict has but this interpreter does not implement.
    private static bool IsRefusedMethod(string name) =>
        (StringMethods.PythonAttributes.Contains(name) || CollectionMethods.DictAttributes.Contains(name)
            || CollectionMethods.ListAttributes.Contains(name))
        && !StringMethods.Supported.Contains(name) && !CollectionMethods.SupportedDict.Contains(name)
        && !CollectionMethods.SupportedList.Contains(name);

    private Arguments ParseArguments()
    {
        Expect(TokenKind.Operator, "(");
        var positional = new List<Expr>();
        var named = new List<(string, Expr)>();
        while (!Current.IsOperator(")"))
        {
            if (positional.Count + named.Count > 0)
                Expect(TokenKind.Operator, ",");
            if (Current.IsOperator(")"))
                break;
            if (Current.IsOperator("*") || Current.IsOperator("**"))
                throw Error(Current, "*args and **kwargs in calls are not supported");
            if (Current.Kind == TokenKind.Name && Peek().IsOperator("="))
            {
                var name = Next().Text;
                _index++;
                named.Add((name, ParseExpression()));
            }
            else
            {
                if (named.Count > 0)
                    throw Error(Current, "positional argument follows keyword argument");
                positional.Add(ParseExpression());
            }
        }

        _index++;
        return new Arguments(positional, named);
    }

    /// <summary><c>|a|b(x)</c>; with <paramref name="startInline"/> the first filter has no pipe (<c>{% filter a %}</c>).</summary>
    private FilterExpr ParseFilterChain(Expr? value, bool startInline = false)
    {
        FilterExpr? node = null;
        while (Current.IsOperator("|") || startInline)
        {
            if (!startInline)
                _index++;
            startInline = false;
            var name = Expect(TokenKind.Name);
            if (!Filters.Supported.Contains(name.Text))
                throw Error(name, $"filter '{name.Text}' is not supported");
            var arguments = Current.IsOperator("(") ? ParseArguments() : Arguments.Empty;
            node = new FilterExpr(node ?? value, name.Text, arguments, name.Line, name.Column);
        }

        return node!;
    }

    private Expr ParseTest(Expr value)
    {
        var isToken = Next();
        var negated = false;
        if (Current.IsName("not"))
        {
            _index++;
            negated = true;
        }

        var name = Expect(TokenKind.Name);
        if (!TestFunctions.Supported.Contains(name.Text))
            throw Error(name, $"test '{name.Text}' is not supported");
        var arguments = Arguments.Empty;
        if (Current.IsOperator("("))
        {
            arguments = ParseArguments();
        }
        else if ((Current.Kind is TokenKind.Name or TokenKind.String or TokenKind.Integer or TokenKind.Float
                     || Current.IsOperator("[") || Current.IsOperator("{"))
                 && !Current.IsName("else") && !Current.IsName("or") && !Current.IsName("and"))
        {
            if (Current.IsName("is"))
                throw Error(Current, "you cannot chain multiple tests with is");
            // "x is divisibleby 3": one argument without parentheses.
            var argument = ParsePostfix(ParsePrimary());
            arguments = new Arguments([argument], []);
        }

        Expr test = new TestExpr(value, name.Text, arguments, name.Line, name.Column);
        return negated ? new NotExpr(test, isToken.Line, isToken.Column) : test;
    }
}
