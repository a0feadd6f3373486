using Lora.Generators.Common;
using Lora.Generators.Diagnostics;

namespace Lora.Generators.Parsing
{
    /// <summary>The declaration of the type that carries [Experiment].</summary>
    /// <param name="Namespace">Its namespace, or null for the global namespace.</param>
    /// <param name="Name">Its name.</param>
    /// <param name="FullName">Its full name without <c>global::</c>, e.g. <c>App.Outer.SpamFilter</c>.</param>
    /// <param name="Keyword">Its declaration keyword: <c>record</c>, <c>record struct</c>, <c>class</c>, <c>struct</c>, <c>interface</c>.</param>
    /// <param name="IsRecord">Whether it is a record.</param>
    /// <param name="IsPartial">Whether this declaration has the <c>partial</c> modifier.</param>
    /// <param name="IsGeneric">Whether it has type parameters.</param>
    /// <param name="IsPrivate">Whether it is private or protected.</param>
    /// <param name="ContainingTypes">Enclosing types, outermost first.</param>
    /// <param name="IdentifierLocation">Its name in the declaration.</param>
    internal sealed record ExperimentTypeSpec(
        string? Namespace,
        string Name,
        string FullName,
        string Keyword,
        bool IsRecord,
        bool IsPartial,
        bool IsGeneric,
        bool IsPrivate,
        EquatableArray<ContainingTypeSpec> ContainingTypes,
        LocationInfo IdentifierLocation);
}
