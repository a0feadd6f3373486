using System.Collections.Generic;

namespace Lora.Runtime.ChatTemplates.Values;

/// <summary>
/// A Python generator or iterator: what <c>map</c>, <c>select</c>, <c>selectattr</c>, <c>items</c> and <c>reverse</c>
/// return. Like Python's it is always true, has no length and cannot be printed meaningfully (Python prints its
/// memory address), so those uses are errors; <c>|list</c>, <c>|join</c>, <c>|first</c>, loops and <c>in</c> work.
/// </summary>
internal sealed class PyIterator(IEnumerable<object?> items, string typeName)
{
    public IEnumerable<object?> Items { get; } = items;

    /// <summary>Python's type name, for error messages: "generator", "list_reverseiterator".</summary>
    public string TypeName { get; } = typeName;
}

/// <summary><c>dict.items()</c>, <c>.keys()</c>, <c>.values()</c>: sized and printable as "dict_items([...])".</summary>
internal sealed class PyDictView(List<object?> items, string typeName)
{
    public List<object?> Items { get; } = items;

    public string TypeName { get; } = typeName;
}
