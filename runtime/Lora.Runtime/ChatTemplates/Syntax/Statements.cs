using System.Collections.Generic;

namespace Lora.Runtime.ChatTemplates.Syntax;

/// <summary>A node of the template body.</summary>
internal abstract record Stmt(int Line, int Column);

internal sealed record TextStmt(string Text, int Line, int Column) : Stmt(Line, Column);

internal sealed record PrintStmt(Expr Value, int Line, int Column) : Stmt(Line, Column);

internal sealed record IfStmt(List<(Expr Test, List<Stmt> Body)> Branches, List<Stmt>? Else, int Line, int Column) : Stmt(Line, Column);

/// <summary><c>for target in iterable if filter</c> … <c>else</c> … (the else runs when nothing was iterated).</summary>
internal sealed record ForStmt(Target Target, Expr Iterable, Expr? Filter, List<Stmt> Body, List<Stmt>? Else, int Line, int Column)
    : Stmt(Line, Column);

internal sealed record SetStmt(Target Target, Expr Value, int Line, int Column) : Stmt(Line, Column);

/// <summary><c>{% set name %}body{% endset %}</c>: the rendered body, optionally through filters.</summary>
internal sealed record SetBlockStmt(Target Target, List<Stmt> Body, FilterExpr? Filter, int Line, int Column) : Stmt(Line, Column);

internal sealed record MacroParameter(string Name, Expr? Default);

internal sealed record MacroStmt(string Name, List<MacroParameter> Parameters, List<Stmt> Body, int Line, int Column) : Stmt(Line, Column)
{
    /// <summary>What the body reads of varargs, kwargs and caller: Jinja accepts those arguments only then.</summary>
    public MacroSignature Signature { get; } = MacroSignature.Of(Body);
}

/// <summary>Whether a macro body reads <c>varargs</c>, <c>kwargs</c> and <c>caller</c>.</summary>
internal sealed record MacroSignature(bool CatchesVarargs, bool CatchesKwargs, bool UsesCaller)
{
    public static MacroSignature Of(List<Stmt> body)
    {
        var names = NameReferences.In(body);
        return new MacroSignature(names.Contains("varargs"), names.Contains("kwargs"), names.Contains("caller"));
    }
}

/// <summary><c>{% call(params) macro(args) %}body{% endcall %}</c>: the body is the macro's <c>caller()</c>.</summary>
internal sealed record CallBlockStmt(CallExpr Call, List<MacroParameter> CallerParameters, List<Stmt> Body, int Line, int Column)
    : Stmt(Line, Column)
{
    /// <summary>The caller macro's: what its body reads of varargs, kwargs and caller.</summary>
    public MacroSignature CallerSignature { get; } = MacroSignature.Of(Body);
}

/// <summary><c>{% filter upper %}body{% endfilter %}</c>: the filters' outermost node, whose innermost value is the body.</summary>
internal sealed record FilterBlockStmt(FilterExpr Filter, List<Stmt> Body, int Line, int Column) : Stmt(Line, Column);

internal sealed record BreakStmt(int Line, int Column) : Stmt(Line, Column);

internal sealed record ContinueStmt(int Line, int Column) : Stmt(Line, Column);

/// <summary><c>{% generation %}</c>…<c>{% endgeneration %}</c>: renders its body and records the span it produced.</summary>
internal sealed record GenerationStmt(List<Stmt> Body, int Line, int Column) : Stmt(Line, Column);

/// <summary>What a set or for assigns to.</summary>
internal abstract record Target;

internal sealed record NameTarget(string Name) : Target;

/// <summary><c>a, b</c> (nested tuples allowed), unpacked from an iterable of the same length.</summary>
internal sealed record TupleTarget(List<Target> Items) : Target;

/// <summary><c>ns.attr</c>: an attribute of a namespace.</summary>
internal sealed record NamespaceTarget(string Namespace, string Attribute, int Line, int Column) : Target;
