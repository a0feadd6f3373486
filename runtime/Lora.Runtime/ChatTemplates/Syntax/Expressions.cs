using System.Collections.Generic;

namespace Lora.Runtime.ChatTemplates.Syntax;

/// <summary>An expression of the template, with where it starts (for error messages).</summary>
internal abstract record Expr(int Line, int Column);

internal sealed record LiteralExpr(object? Value, int Line, int Column) : Expr(Line, Column);

internal sealed record NameExpr(string Name, int Line, int Column) : Expr(Line, Column);

internal sealed record ListExpr(List<Expr> Items, int Line, int Column) : Expr(Line, Column);

internal sealed record TupleExpr(List<Expr> Items, int Line, int Column) : Expr(Line, Column);

internal sealed record DictExpr(List<(Expr Key, Expr Value)> Pairs, int Line, int Column) : Expr(Line, Column);

/// <summary><c>x.name</c> (attribute first, then key).</summary>
internal sealed record AttributeExpr(Expr Owner, string Name, int Line, int Column) : Expr(Line, Column);

/// <summary><c>x[key]</c> (key first, then attribute).</summary>
internal sealed record ItemExpr(Expr Owner, Expr Key, int Line, int Column) : Expr(Line, Column);

/// <summary><c>x[start:stop:step]</c>, each part optional.</summary>
internal sealed record SliceExpr(Expr Owner, Expr? Start, Expr? Stop, Expr? Step, int Line, int Column) : Expr(Line, Column);

/// <summary>Positional and keyword arguments of a call, filter or test, as written.</summary>
internal sealed record Arguments(List<Expr> Positional, List<(string Name, Expr Value)> Named)
{
    public static readonly Arguments Empty = new([], []);
}

internal sealed record CallExpr(Expr Callee, Arguments Arguments, int Line, int Column) : Expr(Line, Column);

/// <summary><c>value|name(args)</c>; <see cref="Value"/> is null in a <c>{% filter %}</c> block (the body is the value).</summary>
internal sealed record FilterExpr(Expr? Value, string Name, Arguments Arguments, int Line, int Column) : Expr(Line, Column);

/// <summary><c>value is name(args)</c>.</summary>
internal sealed record TestExpr(Expr Value, string Name, Arguments Arguments, int Line, int Column) : Expr(Line, Column);

/// <summary>Arithmetic: + - * / // % **.</summary>
internal sealed record BinaryExpr(string Operator, Expr Left, Expr Right, int Line, int Column) : Expr(Line, Column);

/// <summary>Unary - or +.</summary>
internal sealed record UnaryExpr(string Operator, Expr Operand, int Line, int Column) : Expr(Line, Column);

internal sealed record NotExpr(Expr Operand, int Line, int Column) : Expr(Line, Column);

internal sealed record AndExpr(Expr Left, Expr Right, int Line, int Column) : Expr(Line, Column);

internal sealed record OrExpr(Expr Left, Expr Right, int Line, int Column) : Expr(Line, Column);

/// <summary><c>a ~ b ~ c</c>: the string of each, joined.</summary>
internal sealed record ConcatExpr(List<Expr> Parts, int Line, int Column) : Expr(Line, Column);

/// <summary>A chain of comparisons, <c>a &lt; b == c</c>; operators: == != &lt; &lt;= &gt; &gt;= in notin.</summary>
internal sealed record CompareExpr(Expr First, List<(string Operator, Expr Operand)> Rest, int Line, int Column) : Expr(Line, Column);

/// <summary><c>then if test else otherwise</c>; without <c>else</c> the result is undefined when the test is false.</summary>
internal sealed record ConditionalExpr(Expr Test, Expr Then, Expr? Otherwise, int Line, int Column) : Expr(Line, Column);
