using Lora.Generators.Common;

namespace Lora.Generators.Model
{
    /// <summary>The experiment type as the emitter re-declares it.</summary>
    /// <param name="Namespace">Its namespace, or null.</param>
    /// <param name="Name">Its name.</param>
    /// <param name="Keyword">Its declaration keyword: <c>record</c> or <c>record struct</c>.</param>
    /// <param name="FullName">Its full name without <c>global::</c>.</param>
    /// <param name="ContainingTypes">Enclosing types as (keyword, name), outermost first.</param>
    internal sealed record TypeModel(
        string? Namespace,
        string Name,
        string Keyword,
        string FullName,
        EquatableArray<ContainingTypeModel> ContainingTypes)
    {
        /// <summary>The generated file's hint name, e.g. <c>App.SpamFilter.g.cs</c>.</summary>
        public string HintName => FullName + ".g.cs";
    }

    /// <summary>An enclosing type to re-declare as partial.</summary>
    /// <param name="Keyword">Its declaration keyword.</param>
    /// <param name="Name">Its name.</param>
    internal sealed record ContainingTypeModel(string Keyword, string Name);
}
