using System.Collections.Immutable;
using Lora.Generators.Common;

namespace Lora.Generators.Files
{
    /// <summary>All cross-checked AdditionalFiles of the project.</summary>
    /// <param name="Files">The files, in the order the compiler lists them.</param>
    internal sealed record ProjectFiles(EquatableArray<ProjectFile> Files)
    {
        /// <summary>The distinct texts of every chat template the files hold, in file order (what the pipeline parses).</summary>
        /// <returns>The texts.</returns>
        public ImmutableArray<string> ChatTemplateTexts()
        {
            var texts = ImmutableArray.CreateBuilder<string>();
            foreach (var file in Files)
            {
                foreach (var template in file.ChatTemplate?.Templates ?? EquatableArray<NamedTemplate>.Empty)
                {
                    if (!texts.Contains(template.Text))
                    {
                        texts.Add(template.Text);
                    }
                }
            }

            return texts.ToImmutable();
        }

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
