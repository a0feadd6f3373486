using Lora.Generators.Diagnostics;

namespace Lora.Generators.Parsing
{
    /// <summary>A type that lexically contains the experiment record.</summary>
    /// <param name="Keyword">Its declaration keyword: <c>class</c>, <c>struct</c>, <c>record</c>, <c>record struct</c> or <c>interface</c>.</param>
    /// <param name="Name">Its name.</param>
    /// <param name="IsPartial">Whether this declaration has the <c>partial</c> modifier.</param>
    /// <param name="IsGeneric">Whether it has type parameters.</param>
    /// <param name="IsPrivate">Whether it is private or protected (the registry could not reach the experiment).</param>
    /// <param name="IdentifierLocation">Its name in the declaration.</param>
    internal sealed record ContainingTypeSpec(
        string Keyword,
        string Name,
        bool IsPartial,
        bool IsGeneric,
        bool IsPrivate,
        LocationInfo IdentifierLocation);
}
