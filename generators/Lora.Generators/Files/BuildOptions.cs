namespace Lora.Generators.Files
{
    /// <summary>The MSBuild properties the generator reads (see build/Lora.Generators.props).</summary>
    /// <param name="ProjectDirectory">build_property.MSBuildProjectDirectory, or null when not visible.</param>
    /// <param name="MemoryBudgetText">build_property.LoraMemoryBudget as written, or null when unset.</param>
    /// <param name="MemoryBudgetBytes">The budget in bytes, or null when unset or unreadable.</param>
    internal sealed record BuildOptions(string? ProjectDirectory, string? MemoryBudgetText, long? MemoryBudgetBytes)
    {
        /// <summary>The directory relative attribute paths resolve against: the project's, else the declaring file's.</summary>
        /// <param name="sourcePath">The file that declares the experiment.</param>
        /// <returns>A normalized directory.</returns>
        public string DirectoryFor(string sourcePath) =>
            ProjectDirectory ?? Common.ProjectPath.DirectoryOf(Common.ProjectPath.Normalize(sourcePath));
    }
}
