using Lora.Generators.Common;

namespace Lora.Generators.Parsing
{
    /// <summary>The <c>TRow</c> of [Dataset&lt;TRow&gt;].</summary>
    /// <param name="FullName">Its full name without <c>global::</c>, e.g. <c>App.Email</c>.</param>
    /// <param name="Name">Its short name, e.g. <c>Email</c>.</param>
    /// <param name="Properties">Its public readable instance properties, including inherited ones.</param>
    internal sealed record RowTypeSpec(string FullName, string Name, EquatableArray<string> Properties);
}
