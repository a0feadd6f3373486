using System;
using System.Collections.Generic;

namespace Lora.Runtime.ChatTemplates.Syntax;

/// <summary>
/// The variable names a body reads. Jinja decides from them whether a macro takes extra positional arguments
/// (its body reads <c>varargs</c>), extra keyword arguments (<c>kwargs</c>) and a call block (<c>caller</c>).
/// </summary>
internal static class NameReferences
{
    public static HashSet<string> In(IEnumerable<Stmt> body)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var statement in body)
            Visit(statement, names);
        return names;
    }

    private static void Visit(Stmt statement, HashSet<string> names)
    {
        switch (statement)
        {
            case PrintStmt print: Visit(print.Value, names); break;
            case IfStmt conditional:
                foreach (var (test, branch) in conditional.Branches)
                {
                    Visit(test, names);
                    VisitAll(branch, names);
                }

                VisitAll(conditional.Else, names);
                break;
            case ForStmt loop:
                Visit(loop.Iterable, names);
                Visit(loop.Filter, names);
                VisitAll(loop.Body, names);
                VisitAll(loop.Else, names);
                break;
            case SetStmt set:
                if (set.Target is NamespaceTarget ns)
                    names.Add(ns.Namespace);
                Visit(set.Value, names);
                break;
            case SetBlockStmt setBlock:
                VisitAll(setBlock.Body, names);
                Visit(setBlock.Filter, names);
                break;
            case MacroStmt macro:
                foreach (var parameter in macro.Parameters)
                    Visit(parameter.Default, names);
                VisitAll(macro.Body, names);
                break;
            case CallBlockStmt callBlock:
                Visit(callBlock.Call, names);
                foreach (var parameter in callBlock.CallerParameters)
                    Visit(parameter.Default, names);
                VisitAll(callBlock.Body, names);
                break;
            case FilterBlockStmt filterBlock:
                Visit(filterBlock.Filter, names);
                VisitAll(filterBlock.Body, names);
                break;
            case GenerationStmt generation:
                VisitAll(generation.Body, names);
                break;
        }
    }

    private static void VisitAll(List<Stmt>? body, HashSet<string> names)
    {
        if (body is null)
            return;
        foreach (var statement in body)
            Visit(statement, names);
    }

    private static void Visit(Expr? expr, HashSet<string> names)
    {
        switch (expr)
        {
            case null or LiteralExpr: break;
            case NameExpr name: names.Add(name.Name); break;
            case ListExpr list: list.Items.ForEach(item => Visit(item, names)); break;
            case TupleExpr tuple: tuple.Items.ForEach(item => Visit(item, names)); break;
            case DictExpr dict:
                foreach (var (key, value) in dict.Pairs)
                {
                    Visit(key, names);
                    Visit(value, names);
                }

                break;
            case AttributeExpr attribute: Visit(attribute.Owner, names); break;
            case ItemExpr item:
                Visit(item.Owner, names);
                Visit(item.Key, names);
                break;
            case SliceExpr slice:
                Visit(slice.Owner, names);
                Visit(slice.Start, names);
                Visit(slice.Stop, names);
                Visit(slice.Step, names);
                break;
            case CallExpr call:
                Visit(call.Callee, names);
                Visit(call.Arguments, names);
                break;
            case FilterExpr filter:
                Visit(filter.Value, names);
                Visit(filter.Arguments, names);
                break;
            case TestExpr test:
                Visit(test.Value, names);
                Visit(test.Arguments, names);
                break;
            case BinaryExpr binary:
                Visit(binary.Left, names);
                Visit(binary.Right, names);
                break;
            case UnaryExpr unary: Visit(unary.Operand, names); break;
            case NotExpr not: Visit(not.Operand, names); break;
            case AndExpr and:
                Visit(and.Left, names);
                Visit(and.Right, names);
                break;
            case OrExpr or:
                Visit(or.Left, names);
                Visit(or.Right, names);
                break;
            case ConcatExpr concat: concat.Parts.ForEach(part => Visit(part, names)); break;
            case CompareExpr compare:
                Visit(compare.First, names);
                foreach (var (_, operand) in compare.Rest)
                    Visit(operand, names);
                break;
            case ConditionalExpr conditional:
                Visit(conditional.Test, names);
                Visit(conditional.Then, names);
                Visit(conditional.Otherwise, names);
                break;
        }
    }

    private static void Visit(Arguments arguments, HashSet<string> names)
    {
        arguments.Positional.ForEach(argument => Visit(argument, names));
        foreach (var (_, value) in arguments.Named)
            Visit(value, names);
    }
}
