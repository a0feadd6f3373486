namespace Lora.Runtime.ChatTemplates.Values;

/// <summary>A Python tuple: <c>(a, b)</c> literals, <c>dict.items()</c> pairs. Immutable, prints with parentheses.</summary>
internal sealed class PyTuple(object?[] items)
{
    public object?[] Items { get; } = items;
}
