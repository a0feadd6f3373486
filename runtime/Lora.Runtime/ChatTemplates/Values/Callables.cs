using System;
using System.Collections.Generic;
using System.Linq;
using Lora.Runtime.ChatTemplates.Rendering;

namespace Lora.Runtime.ChatTemplates.Values;

/// <summary>Something a template can call: a global function, a macro, a bound string/dict method.</summary>
internal interface ICallableValue
{
    object? Call(CallArguments arguments, RenderState state);
}

/// <summary>A built-in function or bound method implemented in C#.</summary>
internal sealed class NativeFunction(string name, Func<CallArguments, RenderState, object?> body) : ICallableValue
{
    public string Name { get; } = name;

    public object? Call(CallArguments arguments, RenderState state) => body(arguments, state);
}

/// <summary>The arguments of a call after evaluation: positional, then keyword in the order written.</summary>
internal sealed class CallArguments(List<object?> positional, List<KeyValuePair<string, object?>> named)
{
    public static readonly CallArguments None = new([], []);

    public List<object?> Positional { get; } = positional;

    public List<KeyValuePair<string, object?>> Named { get; } = named;

    /// <summary>
    /// Binds to a Python signature: argument <paramref name="index"/> named <paramref name="name"/>, given either
    /// positionally or by keyword; <paramref name="fallback"/> when absent.
    /// </summary>
    public object? Get(int index, string name, object? fallback)
    {
        if (index < Positional.Count)
            return Positional[index];
        foreach (var pair in Named)
        {
            if (pair.Key == name)
                return pair.Value;
        }

        return fallback;
    }

    public bool Has(int index, string name) => index < Positional.Count || Named.Any(p => p.Key == name);

    /// <summary>Refuses more positional arguments than the signature has, or unknown keywords.</summary>
    public CallArguments Expect(string function, params string[] names)
    {
        if (Positional.Count > names.Length)
            throw new ChatTemplateRenderException($"{function}() takes at most {names.Length} arguments ({Positional.Count} given)");
        foreach (var pair in Named)
        {
            if (Array.IndexOf(names, pair.Key) < 0)
                throw new ChatTemplateRenderException($"{function}() got an unexpected keyword argument '{pair.Key}'");
        }

        return this;
    }
}
