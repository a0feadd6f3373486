using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using Lora.Runtime.ChatTemplates.Syntax;
using Lora.Runtime.ChatTemplates.Values;

namespace Lora.Runtime.ChatTemplates.Rendering;

/// <summary>
/// A macro (or a call block's <c>caller</c>) bound to the scope it was defined in: its body sees that scope's
/// variables as they are when it is called, plus its parameters and, when its body reads them, <c>varargs</c>,
/// <c>kwargs</c> and <c>caller</c>. Arguments bind as Jinja's Macro binds them, errors included.
/// </summary>
internal sealed class MacroValue(
    string name, List<MacroParameter> parameters, MacroSignature signature, List<Stmt> body, Scope definedIn, Renderer renderer)
    : ICallableValue
{
    public string Name { get; } = name;

    public object? Call(CallArguments arguments, RenderState state) => Invoke(arguments, state, caller: null);

    /// <summary>Renders the body with <paramref name="arguments"/>; <paramref name="caller"/> is the call block's body, if any.</summary>
    public string Invoke(CallArguments arguments, RenderState state, MacroValue? caller)
    {
        // Python ends a runaway recursion with RecursionError; unchecked, a macro that calls itself without end would
        // overflow the stack and end the process (the compiler's, when the generator renders a dataset's rows).
        try
        {
            RuntimeHelpers.EnsureSufficientExecutionStack();
        }
        catch (InsufficientExecutionStackException)
        {
            throw new ChatTemplateRenderException("maximum recursion depth exceeded");
        }

        var scope = new Scope(definedIn);
        var keywords = new List<KeyValuePair<string, object?>>(arguments.Named);
        if (caller is not null)
            keywords.Add(new("caller", caller));

        for (var i = 0; i < parameters.Count; i++)
        {
            var parameter = parameters[i];
            object? value;
            if (i < arguments.Positional.Count)
            {
                value = arguments.Positional[i];
            }
            else if (keywords.FindIndex(p => p.Key == parameter.Name) is var at and >= 0)
            {
                value = keywords[at].Value;
                keywords.RemoveAt(at);
            }
            else if (parameter.Default is not null)
            {
                value = renderer.Evaluate(parameter.Default, scope, state);
            }
            else
            {
                value = new Undefined($"parameter '{parameter.Name}' was not provided");
            }

            scope.Set(parameter.Name, value);
        }

        if (signature.UsesCaller)
        {
            var at = keywords.FindIndex(p => p.Key == "caller");
            scope.Set("caller", at >= 0 ? keywords[at].Value : new Undefined("No caller defined"));
            if (at >= 0)
                keywords.RemoveAt(at);
        }

        if (signature.CatchesKwargs)
        {
            var kwargs = new PyDict();
            foreach (var pair in keywords)
                kwargs[pair.Key] = pair.Value;
            scope.Set("kwargs", kwargs);
        }
        else if (keywords.Count > 0)
        {
            throw new ChatTemplateRenderException(keywords.Exists(p => p.Key == "caller")
                ? $"macro '{Name}' was invoked with two values for the special caller argument. This is most likely a bug."
                : $"macro '{Name}' takes no keyword argument '{keywords[0].Key}'");
        }

        if (signature.CatchesVarargs)
            scope.Set("varargs", new PyTuple([.. arguments.Positional.Skip(parameters.Count)]));
        else if (arguments.Positional.Count > parameters.Count)
            throw new ChatTemplateRenderException($"macro '{Name}' takes not more than {parameters.Count} argument(s)");

        var saved = state.Output;
        state.Output = new StringBuilder();
        try
        {
            renderer.Execute(body, scope, state);
            return state.Output.ToString();
        }
        finally
        {
            state.Output = saved;
        }
    }
}
