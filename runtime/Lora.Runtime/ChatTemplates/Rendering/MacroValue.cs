using System.Text;
using Lora.Runtime.ChatTemplates.Syntax;
using Lora.Runtime.ChatTemplates.Values;

namespace Lora.Runtime.ChatTemplates.Rendering;

/// <summary>
/// A macro (or a call block's <c>caller</c>) bound to the scope it was defined in: its body sees that scope's
/// variables as they are when it is called, plus its parameters, <c>varargs</c>, <c>kwargs</c> and <c>caller</c>.
/// </summary>
internal sealed class MacroValue(string name, List<MacroParameter> parameters, List<Stmt> body, Scope definedIn, Renderer renderer)
    : ICallableValue
{
    public string Name { get; } = name;

    public object? Call(CallArguments arguments, RenderState state) => Invoke(arguments, state, caller: null);

    public string Invoke(CallArguments arguments, RenderState state, MacroValue? caller)
    {
        var scope = new Scope(definedIn);
        for (var i = 0; i < parameters.Count; i++)
        {
            var parameter = parameters[i];
            object? value;
            if (i < arguments.Positional.Count)
                value = arguments.Positional[i];
            else if (arguments.Named.FindIndex(p => p.Key == parameter.Name) is var at and >= 0)
                value = arguments.Named[at].Value;
            else if (parameter.Default is not null)
                value = renderer.Evaluate(parameter.Default, scope, state);
            else
                value = new Undefined($"parameter '{parameter.Name}' was not provided");
            scope.Set(parameter.Name, value);
        }

        // Jinja refuses extra arguments when the body never reads varargs/kwargs; here they are always accepted.
        scope.Set("varargs", new PyTuple([.. arguments.Positional.Skip(parameters.Count)]));
        var kwargs = new PyDict();
        foreach (var pair in arguments.Named)
        {
            if (parameters.Exists(p => p.Name == pair.Key))
                continue;
            if (pair.Key == "caller" && caller is null)
            {
                caller = pair.Value as MacroValue;
                continue;
            }

            kwargs[pair.Key] = pair.Value;
        }

        scope.Set("kwargs", kwargs);
        if (caller is not null)
            scope.Set("caller", caller);

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
