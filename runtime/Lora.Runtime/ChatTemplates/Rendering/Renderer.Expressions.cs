using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Lora.Runtime.ChatTemplates.Syntax;
using Lora.Runtime.ChatTemplates.Values;

namespace Lora.Runtime.ChatTemplates.Rendering;

/// <summary>Evaluates expressions with Python's semantics (see <see cref="PyOps"/>) and Jinja's undefined rules.</summary>
internal sealed partial class Renderer
{
    public object? Evaluate(Expr expr, Scope scope, RenderState state)
    {
        switch (expr)
        {
            case LiteralExpr literal:
                return literal.Value;
            case NameExpr name:
                return scope.TryGet(name.Name, out var value) ? value : Undefined.Variable(name.Name);
            case ListExpr list:
                return list.Items.Select(item => Evaluate(item, scope, state)).ToList();
            case TupleExpr tuple:
                return new PyTuple([.. tuple.Items.Select(item => Evaluate(item, scope, state))]);
            case DictExpr dict:
                var result = new PyDict();
                foreach (var (key, item) in dict.Pairs)
                    result[PyDict.ToHashableKey(Evaluate(key, scope, state))] = Evaluate(item, scope, state);
                return result;
            case AttributeExpr attribute:
                return MemberAccess.GetAttribute(Evaluate(attribute.Owner, scope, state), attribute.Name);
            case ItemExpr item:
                return MemberAccess.GetItem(Evaluate(item.Owner, scope, state), Evaluate(item.Key, scope, state));
            case SliceExpr slice:
                return MemberAccess.Slice(
                    Evaluate(slice.Owner, scope, state),
                    slice.Start is null ? null : Evaluate(slice.Start, scope, state),
                    slice.Stop is null ? null : Evaluate(slice.Stop, scope, state),
                    slice.Step is null ? null : Evaluate(slice.Step, scope, state));
            case CallExpr call:
                return EvaluateCall(call, scope, state);
            case FilterExpr filter:
                return ApplyFilterChain(filter, null, scope, state);
            case TestExpr test:
                return TestFunctions.Apply(test.Name, Evaluate(test.Value, scope, state), EvaluateArguments(test.Arguments, scope, state), state);
            case BinaryExpr binary:
                return EvaluateBinary(binary, scope, state);
            case UnaryExpr unary:
                var operand = Evaluate(unary.Operand, scope, state);
                if (unary.Operator == "-")
                    return PyOps.Negate(operand);
                return PyOps.IsNumber(operand) ? operand : throw new ChatTemplateRenderException($"bad operand type for unary +: '{PyFormat.TypeName(operand)}'");
            case NotExpr not:
                return !PyOps.IsTrue(Evaluate(not.Operand, scope, state));
            case AndExpr and:
                var left = Evaluate(and.Left, scope, state);
                return PyOps.IsTrue(left) ? Evaluate(and.Right, scope, state) : left;
            case OrExpr or:
                var first = Evaluate(or.Left, scope, state);
                return PyOps.IsTrue(first) ? first : Evaluate(or.Right, scope, state);
            case ConcatExpr concat:
                var text = new StringBuilder();
                foreach (var part in concat.Parts)
                    text.Append(PyFormat.Str(Evaluate(part, scope, state)));
                return text.ToString();
            case CompareExpr compare:
                return EvaluateCompare(compare, scope, state);
            case ConditionalExpr conditional:
                if (PyOps.IsTrue(Evaluate(conditional.Test, scope, state)))
                    return Evaluate(conditional.Then, scope, state);
                return conditional.Otherwise is null
                    ? new Undefined("the inline if-expression on line " + conditional.Line + " evaluated to false and no else section was defined.")
                    : Evaluate(conditional.Otherwise, scope, state);
            default:
                throw new InvalidOperationException($"Unknown expression {expr.GetType().Name}");
        }
    }

    private object? EvaluateBinary(BinaryExpr binary, Scope scope, RenderState state)
    {
        var left = Evaluate(binary.Left, scope, state);
        var right = Evaluate(binary.Right, scope, state);
        try
        {
            return binary.Operator switch
            {
                "+" => PyOps.Add(left, right),
                "-" => PyOps.Subtract(left, right),
                "*" => PyOps.Multiply(left, right),
                "/" => PyOps.Divide(left, right),
                "//" => PyOps.FloorDivide(left, right),
                "%" => PyOps.Modulo(left, right),
                "**" => PyOps.Power(left, right),
                _ => throw new InvalidOperationException(binary.Operator),
            };
        }
        catch (OverflowException)
        {
            throw new ChatTemplateRenderException($"line {binary.Line}: integer overflow (Python integers are unbounded, these are 64-bit)");
        }
    }

    private bool EvaluateCompare(CompareExpr compare, Scope scope, RenderState state)
    {
        var left = Evaluate(compare.First, scope, state);
        foreach (var (op, operandExpr) in compare.Rest)
        {
            var right = Evaluate(operandExpr, scope, state);
            var holds = op switch
            {
                "==" => PyOps.AreEqual(left, right),
                "!=" => !PyOps.AreEqual(left, right),
                "<" => PyOps.Compare(left, right, op) < 0,
                "<=" => PyOps.Compare(left, right, op) <= 0,
                ">" => PyOps.Compare(left, right, op) > 0,
                ">=" => PyOps.Compare(left, right, op) >= 0,
                "in" => PyOps.Contains(right, left),
                "notin" => !PyOps.Contains(right, left),
                _ => throw new InvalidOperationException(op),
            };
            if (!holds)
                return false;
            left = right;
        }

        return true;
    }

    private object? EvaluateCall(CallExpr call, Scope scope, RenderState state)
    {
        var callee = Evaluate(call.Callee, scope, state);
        var arguments = EvaluateArguments(call.Arguments, scope, state);
        return callee switch
        {
            ICallableValue callable => callable.Call(arguments, state),
            Undefined undefined => throw undefined.Fail(),
            _ => throw new ChatTemplateRenderException($"'{PyFormat.TypeName(callee)}' object is not callable"),
        };
    }

    public CallArguments EvaluateArguments(Arguments arguments, Scope scope, RenderState state)
    {
        if (arguments.Positional.Count == 0 && arguments.Named.Count == 0)
            return CallArguments.None;
        var positional = arguments.Positional.Select(a => Evaluate(a, scope, state)).ToList();
        var named = arguments.Named.Select(a => new KeyValuePair<string, object?>(a.Name, Evaluate(a.Value, scope, state))).ToList();
        return new CallArguments(positional, named);
    }

    /// <summary>Applies a filter chain; its innermost value is <paramref name="blockValue"/> when it is a block's.</summary>
    private object? ApplyFilterChain(FilterExpr filter, object? blockValue, Scope scope, RenderState state)
    {
        var input = filter.Value switch
        {
            FilterExpr inner => ApplyFilterChain(inner, blockValue, scope, state),
            null => blockValue,
            var value => Evaluate(value, scope, state),
        };
        return Filters.Apply(filter.Name, input, EvaluateArguments(filter.Arguments, scope, state), state);
    }
}
