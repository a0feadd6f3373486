using System;

#if LORA_SDK_TASKS
namespace Lora.Sdk.Tasks.Hub
#else
namespace Lora
#endif
{
    /// <summary>
    /// A Hugging Face model id, <c>org/name</c>, as <see cref="BaseModelAttribute"/> and <c>lora pull</c> take it, with the
    /// names it has in the Hugging Face cache (<c>models--org--name</c>). The rules are huggingface_hub's
    /// (<c>validate_repo_id</c>): letters, digits, '-', '_' and '.', each part starting and ending with a letter or digit,
    /// no "--" or "..", at most 96 characters a part; an organization is required here, since a name without a slash is
    /// a built-in model (<see cref="BuiltInModels"/>). One definition for the generator, the runtime and the SDK's task.
    /// </summary>
#if LORA_SDK_TASKS
    internal
#else
    public
#endif
    sealed class HubModelId : IEquatable<HubModelId>
    {
        /// <summary>The revision a model id means when none is given: the main branch, as huggingface_hub's DEFAULT_REVISION.</summary>
        public const string DefaultRevision = "main";

        private HubModelId(string organization, string name)
        {
            Organization = organization;
            Name = name;
        }

        /// <summary>The user or organization, e.g. <c>Qwen</c>.</summary>
        public string Organization { get; }

        /// <summary>The model's name, e.g. <c>Qwen2.5-0.5B-Instruct</c>.</summary>
        public string Name { get; }

        /// <summary>The id as written: <c>org/name</c>.</summary>
        public string Id => Organization + "/" + Name;

        /// <summary>The model's folder in the cache: <c>models--org--name</c> (huggingface_hub's repo_folder_name).</summary>
        public string CacheFolderName => "models--" + Organization + "--" + Name;

        /// <summary>Reads <c>org/name</c>; null when <paramref name="text"/> is not a model id (a path, a built-in name).</summary>
        /// <param name="text">The text.</param>
        /// <returns>The id, or null.</returns>
        public static HubModelId? TryParse(string? text)
        {
            if (text is null)
            {
                return null;
            }

            var slash = text.IndexOf('/');
            if (slash < 0 || slash != text.LastIndexOf('/'))
            {
                return null;
            }

            var organization = text.Substring(0, slash);
            var name = text.Substring(slash + 1);
            if (!IsPart(organization) || !IsPart(name) || name.EndsWith(".git", StringComparison.Ordinal))
            {
                return null;
            }

            return new HubModelId(organization, name);
        }

        /// <summary>
        /// Why <paramref name="revision"/> cannot name a branch, tag or commit in the cache (its refs file would not stay
        /// inside the model's folder), or null when it can. Slashes are allowed (<c>refs/pr/1</c>), as huggingface_hub allows them.
        /// </summary>
        /// <param name="revision">A branch, tag or commit hash.</param>
        /// <returns>The problem, or null.</returns>
        public static string? RevisionProblem(string? revision)
        {
            if (revision is null || revision.Trim().Length == 0)
            {
                return "it is empty; use a branch, a tag or a commit hash (default \"" + DefaultRevision + "\")";
            }

            foreach (var c in revision)
            {
                if (char.IsControl(c) || c == '\\' || c == ':' || c == '*' || c == '?' || c == '"' || c == '<' || c == '>' || c == '|')
                {
                    return "it holds '" + (char.IsControl(c) ? "\\u" + ((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture) : c.ToString()) + "', which no branch or tag name can";
                }
            }

            foreach (var segment in revision.Split('/'))
            {
                if (segment.Length == 0 || segment == "." || segment == "..")
                {
                    return "its parts between slashes must be names (not empty, '.' or '..')";
                }
            }

            return null;
        }

        /// <summary>Whether a revision is a full commit hash (40 lowercase hex digits), which needs no refs file.</summary>
        /// <param name="revision">The revision.</param>
        /// <returns>True for a commit hash.</returns>
        public static bool IsCommitHash(string revision)
        {
            if (revision.Length != 40)
            {
                return false;
            }

            foreach (var c in revision)
            {
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
                {
                    return false;
                }
            }

            return true;
        }

        /// <inheritdoc/>
        public bool Equals(HubModelId? other) => other is not null && string.Equals(Id, other.Id, StringComparison.Ordinal);

        /// <inheritdoc/>
        public override bool Equals(object? obj) => Equals(obj as HubModelId);

        /// <inheritdoc/>
        public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Id);

        /// <inheritdoc/>
        public override string ToString() => Id;

        private static bool IsPart(string part)
        {
            if (part.Length == 0 || part.Length > 96 || !IsWordChar(part[0]) || !IsWordChar(part[part.Length - 1]))
            {
                return false;
            }

            if (part.IndexOf("--", StringComparison.Ordinal) >= 0 || part.IndexOf("..", StringComparison.Ordinal) >= 0)
            {
                return false;
            }

            foreach (var c in part)
            {
                if (!IsWordChar(c) && c != '-' && c != '.')
                {
                    return false;
                }
            }

            return true;
        }

        // Python's \w in a str pattern is Unicode; ids on the hub are ASCII, and so are these.
        private static bool IsWordChar(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }
}
