namespace Lora.Generators.Model
{
    /// <summary>One experiment in the assembly registry.</summary>
    /// <param name="Name">The experiment name (the registry's sort key).</param>
    /// <param name="FullTypeName">The experiment type's full name without <c>global::</c>.</param>
    internal sealed record RegistryEntry(string Name, string FullTypeName);
}
