namespace Lora.Runtime.ChatTemplates.Values;

/// <summary>
/// <c>namespace(...)</c>: the one mutable object templates have, so a value set inside a loop survives the loop
/// (<c>{% set ns.found = true %}</c>).
/// </summary>
internal sealed class Namespace
{
    public PyDict Attributes { get; } = new();
}
