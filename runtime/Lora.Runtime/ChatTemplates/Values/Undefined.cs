namespace Lora.Runtime.ChatTemplates.Values;

/// <summary>
/// Jinja's default <c>Undefined</c>: a missing variable, key or attribute. It prints as nothing, is false, has length 0
/// and iterates as empty; any attribute, item, call or arithmetic on it raises with <see cref="Message"/>.
/// </summary>
internal sealed class Undefined
{
    public Undefined(string message) => Message = message;

    /// <summary>What Jinja says when the value is used: "'foo' is undefined", "'dict object' has no attribute 'x'".</summary>
    public string Message { get; }

    public static Undefined Variable(string name) => new($"'{name}' is undefined");

    /// <summary>A missing attribute or string key of <paramref name="owner"/>.</summary>
    public static Undefined Attribute(object? owner, string name) =>
        new($"'{PyFormat.TypeDescription(owner)}' has no attribute {PyFormat.Repr(name)}");

    /// <summary>A missing element (a non-string key or index) of <paramref name="owner"/>.</summary>
    public static Undefined Element(object? owner, object? key) =>
        new($"{PyFormat.TypeDescription(owner)} has no element {PyFormat.Repr(key)}");

    public ChatTemplateRenderException Fail() => new(Message);
}
