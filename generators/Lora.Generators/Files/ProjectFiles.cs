using Lora.Generators.Common;

namespace Lora.Generators.Files
{
    /// <summary>All cross-checked AdditionalFiles of the project.</summary>
    /// <param name="Files">The files, in the order the compiler lists them.</param>
    internal sealed record ProjectFiles(EquatableArray<ProjectFile> Files)
    {
        /// <summary>The file with this full path, or null.</summary>
        /// <param name="path">A normalized full path.</param>
        /// <returns>The file or null.</returns>
        public ProjectFile? Find(string path)
        {
            foreach (var file in Files)
            {
                if (ProjectPath.SameFile(file.Path, path))
                {
                    return file;
                }
            }

            return null;
        }
    }
}
