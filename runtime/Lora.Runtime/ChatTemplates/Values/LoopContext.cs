using System.Collections.Generic;

namespace Lora.Runtime.ChatTemplates.Values;

/// <summary>The <c>loop</c> variable of a for loop: position, first/last, length, neighbours, <c>cycle</c>.</summary>
internal sealed class LoopContext(IReadOnlyList<object?> items)
{
    private readonly IReadOnlyList<object?> _items = items;

    /// <summary>0-based position of the current item.</summary>
    public int Index0 { get; set; }

    public object? Attribute(string name) => name switch
    {
        "index" => (long)Index0 + 1,
        "index0" => (long)Index0,
        "revindex" => (long)(_items.Count - Index0),
        "revindex0" => (long)(_items.Count - Index0 - 1),
        "first" => Index0 == 0,
        "last" => Index0 == _items.Count - 1,
        "length" => (long)_items.Count,
        "depth" => 1L,
        "depth0" => 0L,
        "previtem" => Index0 > 0 ? _items[Index0 - 1] : new Undefined("there is no previous item"),
        "nextitem" => Index0 < _items.Count - 1 ? _items[Index0 + 1] : new Undefined("there is no next item"),
        "cycle" => new NativeFunction("cycle", (args, _) =>
        {
            if (args.Positional.Count == 0)
                throw new ChatTemplateRenderException("no items for cycling given");
            return args.Positional[Index0 % args.Positional.Count];
        }),
        _ => Undefined.Attribute(this, name),
    };
}
