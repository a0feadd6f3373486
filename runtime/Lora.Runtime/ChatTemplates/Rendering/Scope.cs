using System;
using System.Collections.Generic;

namespace Lora.Runtime.ChatTemplates.Rendering;

/// <summary>
/// Variables visible at a point of the template. Jinja's scoping: a loop iteration and a macro call get a new scope
/// (so <c>set</c> inside a loop is gone after it — the reason templates use <c>namespace()</c>), <c>if</c> does not.
/// </summary>
internal sealed class Scope(Scope? parent)
{
    private readonly Dictionary<string, object?> _variables = new(StringComparer.Ordinal);

    public Scope? Parent { get; } = parent;

    public bool TryGet(string name, out object? value)
    {
        for (var scope = this; scope is not null; scope = scope.Parent)
        {
            if (scope._variables.TryGetValue(name, out value))
                return true;
        }

        value = null;
        return false;
    }

    public void Set(string name, object? value) => _variables[name] = value;
}
