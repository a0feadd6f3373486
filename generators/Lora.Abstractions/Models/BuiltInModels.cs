using System;
using System.Collections.Generic;

namespace Lora
{
    /// <summary>
    /// The one list of built-in base models. A <see cref="BaseModelAttribute"/> source without a slash names one of
    /// these; the generator accepts them without reading a <c>config.json</c>.
    /// </summary>
    public static class BuiltInModels
    {
        /// <summary>Every built-in model.</summary>
        public static IReadOnlyList<BuiltInModel> All { get; } = new[]
        {
            new BuiltInModel("lora-tiny-en", "llama", HasChatTemplate: false),
        };

        /// <summary>Whether a <see cref="BaseModelAttribute"/> source is written as a built-in name (no slash) rather than a path.</summary>
        /// <param name="source">The source as written.</param>
        /// <returns>True when the source has no '/' or '\'.</returns>
        public static bool LooksLikeName(string source) =>
            source.IndexOf('/') < 0 && source.IndexOf('\\') < 0;

        /// <summary>Finds a built-in model by name (ordinal, case-sensitive).</summary>
        /// <param name="name">The name.</param>
        /// <returns>The model, or null.</returns>
        public static BuiltInModel? Find(string name)
        {
            foreach (var model in All)
            {
                if (string.Equals(model.Name, name, StringComparison.Ordinal))
                {
                    return model;
                }
            }

            return null;
        }
    }
}
