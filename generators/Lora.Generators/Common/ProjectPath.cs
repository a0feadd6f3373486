using System;
using System.Collections.Generic;

namespace Lora.Generators.Common
{
    /// <summary>
    /// Resolves attribute paths against the project directory and compares them with AdditionalFiles paths, as
    /// text: a generator must not touch the file system. Separators become '/', "." and ".." are folded, and paths
    /// with a drive letter compare ignoring case.
    /// </summary>
    internal static class ProjectPath
    {
        /// <summary>Makes <paramref name="path"/> absolute against <paramref name="baseDirectory"/> unless it already is, and normalizes it.</summary>
        /// <param name="baseDirectory">The project directory.</param>
        /// <param name="path">The path as written in an attribute.</param>
        /// <returns>The normalized absolute path.</returns>
        public static string Resolve(string baseDirectory, string path)
        {
            var unified = path.Replace('\\', '/');
            return Normalize(IsRooted(unified) ? unified : baseDirectory.Replace('\\', '/').TrimEnd('/') + "/" + unified);
        }

        /// <summary>Joins a directory and a file name and normalizes the result.</summary>
        /// <param name="directory">A normalized directory.</param>
        /// <param name="name">A file name.</param>
        /// <returns>The normalized path.</returns>
        public static string Combine(string directory, string name) => Normalize(directory.TrimEnd('/') + "/" + name);

        /// <summary>The directory part of a path ("" for a bare name).</summary>
        /// <param name="path">A path.</param>
        /// <returns>The directory.</returns>
        public static string DirectoryOf(string path)
        {
            var unified = path.Replace('\\', '/');
            var slash = unified.LastIndexOf('/');
            return slash <= 0 ? (slash == 0 ? "/" : "") : unified.Substring(0, slash);
        }

        /// <summary>Unifies separators and folds "." and ".." segments.</summary>
        /// <param name="path">A path.</param>
        /// <returns>The normalized path.</returns>
        public static string Normalize(string path)
        {
            var unified = path.Replace('\\', '/');
            var rootLength = unified.StartsWith("//", StringComparison.Ordinal) ? 2 : unified.StartsWith("/", StringComparison.Ordinal) ? 1 : 0;
            var root = unified.Substring(0, rootLength);
            var segments = new List<string>();
            foreach (var segment in unified.Substring(rootLength).Split('/'))
            {
                if (segment.Length == 0 || segment == ".")
                {
                    continue;
                }

                if (segment == ".." && segments.Count > 0 && segments[segments.Count - 1] != ".." && !IsDrive(segments[segments.Count - 1]))
                {
                    segments.RemoveAt(segments.Count - 1);
                    continue;
                }

                segments.Add(segment);
            }

            return root + string.Join("/", segments);
        }

        /// <summary>Whether two normalized paths name the same file.</summary>
        /// <param name="a">One path.</param>
        /// <param name="b">The other path.</param>
        /// <returns>True when equal (ignoring case for drive-letter paths).</returns>
        public static bool SameFile(string a, string b) =>
            string.Equals(a, b, HasDrive(a) || HasDrive(b) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

        /// <summary>The file name part of a path.</summary>
        /// <param name="path">A path.</param>
        /// <returns>The part after the last separator.</returns>
        public static string FileName(string path)
        {
            var unified = path.Replace('\\', '/');
            return unified.Substring(unified.LastIndexOf('/') + 1);
        }

        private static bool IsRooted(string path) => path.StartsWith("/", StringComparison.Ordinal) || HasDrive(path);

        private static bool HasDrive(string path) => path.Length >= 2 && path[1] == ':' && char.IsLetter(path[0]);

        private static bool IsDrive(string segment) => segment.Length == 2 && HasDrive(segment);
    }
}
