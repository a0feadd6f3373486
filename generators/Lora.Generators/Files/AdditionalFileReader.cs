using System;
using System.Collections.Generic;
using System.Threading;
using Lora.Generators.Common;
using Microsoft.CodeAnalysis;

namespace Lora.Generators.Files
{
    /// <summary>Reads the AdditionalFiles the experiments refer to.</summary>
    internal static class AdditionalFileReader
    {
        /// <summary>Reads a referenced file: a config.json or a file of a chat template is parsed, any other file keeps its first lines.</summary>
        /// <param name="file">The additional file: the file itself, or a dataset's head (<see cref="DatasetHead"/>).</param>
        /// <param name="path">The path it stands for: the dataset's own for a head.</param>
        /// <param name="cancellationToken">Cancels the read.</param>
        /// <returns>What the generator needs of it.</returns>
        public static ProjectFile Read(AdditionalText file, string path, CancellationToken cancellationToken)
        {
            path = ProjectPath.Normalize(path);
            var text = file.GetText(cancellationToken);
            if (text is null)
            {
                return new ProjectFile(path, null, null, EquatableArray<DatasetLine>.Empty);
            }

            var fileName = ProjectPath.FileName(path);
            if (string.Equals(fileName, "config.json", StringComparison.OrdinalIgnoreCase))
            {
                return new ProjectFile(path, ModelConfigReader.Read(text.ToString()), null, EquatableArray<DatasetLine>.Empty);
            }

            if (ChatTemplateFiles.IsChatTemplateFile(fileName))
            {
                return new ProjectFile(path, null, ChatTemplateFiles.Read(fileName, text.ToString()), EquatableArray<DatasetLine>.Empty);
            }

            var head = new List<DatasetLine>();
            foreach (var line in text.Lines)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var content = line.ToString();
                if (content.Trim().Length == 0)
                {
                    continue;
                }

                head.Add(new DatasetLine(line.LineNumber + 1, content));
                if (head.Count == DatasetHead.Lines)
                {
                    break;
                }
            }

            return new ProjectFile(path, null, null, head.ToEquatableArray());
        }
    }
}
