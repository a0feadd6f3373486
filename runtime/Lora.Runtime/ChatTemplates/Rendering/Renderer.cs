using System;
using System.Collections.Generic;
using System.Text;
using Lora.Runtime.ChatTemplates.Syntax;
using Lora.Runtime.ChatTemplates.Values;

namespace Lora.Runtime.ChatTemplates.Rendering;

/// <summary>Runs the statements of a parsed template; expressions are in Renderer.Expressions.cs.</summary>
internal sealed partial class Renderer
{
    /// <summary>How a statement list ended: normally, or by break/continue unwinding to the loop.</summary>
    internal enum Flow
    {
        Normal,
        Break,
        Continue,
    }

    public Flow Execute(List<Stmt> body, Scope scope, RenderState state)
    {
        foreach (var statement in body)
        {
            var flow = ExecuteOne(statement, scope, state);
            if (flow != Flow.Normal)
                return flow;
        }

        return Flow.Normal;
    }

    private Flow ExecuteOne(Stmt statement, Scope scope, RenderState state)
    {
        switch (statement)
        {
            case TextStmt text:
                state.Output.Append(text.Text);
                return Flow.Normal;
            case PrintStmt print:
                state.Output.Append(PyFormat.Str(Evaluate(print.Value, scope, state)));
                return Flow.Normal;
            case IfStmt conditional:
                foreach (var (test, branch) in conditional.Branches)
                {
                    if (PyOps.IsTrue(Evaluate(test, scope, state)))
                        return Execute(branch, scope, state);
                }

                return conditional.Else is null ? Flow.Normal : Execute(conditional.Else, scope, state);
            case ForStmt loop:
                return ExecuteFor(loop, scope, state);
            case SetStmt set:
                Assign(set.Target, Evaluate(set.Value, scope, state), scope, state);
                return Flow.Normal;
            case SetBlockStmt setBlock:
                var captured = Capture(setBlock.Body, scope, state, out var setFlow);
                if (setFlow != Flow.Normal)
                    return setFlow;
                Assign(setBlock.Target, setBlock.Filter is null ? captured : ApplyFilterChain(setBlock.Filter, captured, scope, state), scope, state);
                return Flow.Normal;
            case MacroStmt macro:
                scope.Set(macro.Name, new MacroValue(macro.Name, macro.Parameters, macro.Signature, macro.Body, scope, this));
                return Flow.Normal;
            case CallBlockStmt callBlock:
                ExecuteCallBlock(callBlock, scope, state);
                return Flow.Normal;
            case FilterBlockStmt filterBlock:
                var body = Capture(filterBlock.Body, scope, state, out var filterFlow);
                if (filterFlow != Flow.Normal)
                    return filterFlow;
                state.Output.Append(PyFormat.Str(ApplyFilterChain(filterBlock.Filter, body, scope, state)));
                return Flow.Normal;
            case GenerationStmt generation:
                return ExecuteGeneration(generation, scope, state);
            case BreakStmt:
                return Flow.Break;
            case ContinueStmt:
                return Flow.Continue;
            default:
                throw new InvalidOperationException($"Unknown statement {statement.GetType().Name}");
        }
    }

    /// <summary>Runs a loop; the flow returned is its else block's, whose break/continue belong to an enclosing loop.</summary>
    private Flow ExecuteFor(ForStmt loop, Scope scope, RenderState state)
    {
        var iterable = Evaluate(loop.Iterable, scope, state);
        var items = new List<object?>();
        foreach (var item in PyOps.Iterate(iterable))
        {
            if (loop.Filter is not null)
            {
                // The filter sees the loop target but not `loop` (Jinja evaluates it before the loop context exists).
                var filterScope = new Scope(scope);
                Assign(loop.Target, item, filterScope, state);
                if (!PyOps.IsTrue(Evaluate(loop.Filter, filterScope, state)))
                    continue;
            }

            items.Add(item);
        }

        var context = new LoopContext(items);
        // Jinja clears its "run the else block" flag at the end of the body, so an iteration left by break or
        // continue does not count: the else block runs unless some iteration ran its body to the end.
        var completedAny = false;
        for (var i = 0; i < items.Count; i++)
        {
            var iteration = new Scope(scope);
            context.Index0 = i;
            iteration.Set("loop", context);
            Assign(loop.Target, items[i], iteration, state);
            var flow = Execute(loop.Body, iteration, state);
            if (flow == Flow.Normal)
                completedAny = true;
            else if (flow == Flow.Break)
                break;
        }

        // The else block is in the loop's scope too: its assignments do not leak. It runs after the loop, so a
        // break or continue in it leaves the enclosing loop, as in Jinja's generated Python.
        return !completedAny && loop.Else is not null ? Execute(loop.Else, new Scope(scope), state) : Flow.Normal;
    }

    private Flow ExecuteGeneration(GenerationStmt generation, Scope scope, RenderState state)
    {
        // Spans are offsets in the final text, so they are recorded only when the body goes straight to the output
        // (not inside a macro or set block whose text lands elsewhere).
        var direct = ReferenceEquals(state.Output, state.Root);
        var start = state.Output.Length;
        var flow = Execute(generation.Body, scope, state);
        if (direct)
            state.GenerationSpans.Add(new GenerationSpan(start, state.Output.Length));
        return flow;
    }

    private void ExecuteCallBlock(CallBlockStmt callBlock, Scope scope, RenderState state)
    {
        var callee = Evaluate(callBlock.Call.Callee, scope, state);
        var caller = new MacroValue("caller", callBlock.CallerParameters, callBlock.CallerSignature, callBlock.Body, scope, this);
        var arguments = EvaluateArguments(callBlock.Call.Arguments, scope, state);
        string text;
        if (callee is MacroValue macro)
            text = macro.Invoke(arguments, state, caller);
        else
            throw new ChatTemplateRenderException($"{callBlock.Call.Callee} in a call block is not a macro");
        state.Output.Append(text);
    }

    /// <summary>
    /// Renders a set or filter block's body into a string. Like Jinja, the body has its own scope (its assignments do
    /// not leak), and a break/continue in it still leaves the enclosing loop (<paramref name="flow"/>).
    /// </summary>
    private string Capture(List<Stmt> body, Scope scope, RenderState state, out Flow flow)
    {
        var saved = state.Output;
        state.Output = new StringBuilder();
        try
        {
            flow = Execute(body, new Scope(scope), state);
            return state.Output.ToString();
        }
        finally
        {
            state.Output = saved;
        }
    }

    private static void Assign(Target target, object? value, Scope scope, RenderState state)
    {
        switch (target)
        {
            case NameTarget name:
                scope.Set(name.Name, value);
                break;
            case TupleTarget tuple:
                var items = PyOps.ToList(value);
                if (items.Count != tuple.Items.Count)
                {
                    throw new ChatTemplateRenderException(items.Count < tuple.Items.Count
                        ? $"not enough values to unpack (expected {tuple.Items.Count}, got {items.Count})"
                        : $"too many values to unpack (expected {tuple.Items.Count})");
                }

                for (var i = 0; i < items.Count; i++)
                    Assign(tuple.Items[i], items[i], scope, state);
                break;
            case NamespaceTarget attribute:
                if (!scope.TryGet(attribute.Namespace, out var ns) || ns is not Namespace namespaceValue)
                {
                    throw new ChatTemplateRenderException(
                        $"line {attribute.Line}, column {attribute.Column}: cannot assign attribute on non-namespace object");
                }

                namespaceValue.Attributes[attribute.Attribute] = value;
                break;
        }
    }
}
