using System;
using System.Collections.Generic;
using Lora.Generators.Parsing;

namespace Lora.Generators.Settings
{
    /// <summary>Finds the setting a [Sweep] names: <c>Rank</c>, or qualified as <c>LoraAdapter.Rank</c> / <c>Adapter.Rank</c>.</summary>
    internal static class SweepTarget
    {
        /// <summary>Every sweepable setting's plain name, for messages and suggestions.</summary>
        public static IReadOnlyList<string> Names
        {
            get
            {
                var names = new List<string>();
                foreach (var definition in SettingCatalog.All)
                {
                    if (definition.Sweepable && !names.Contains(definition.Name))
                    {
                        names.Add(definition.Name);
                    }
                }

                return names;
            }
        }

        /// <summary>The definitions a sweep name can mean (several only for dataset settings, one per dataset attribute).</summary>
        /// <param name="name">The name as written.</param>
        /// <returns>The matching sweepable definitions; empty when none.</returns>
        public static IReadOnlyList<SettingDefinition> Find(string name)
        {
            var dot = name.LastIndexOf('.');
            var qualifier = dot < 0 ? null : name.Substring(0, dot);
            var plain = dot < 0 ? name : name.Substring(dot + 1);
            var found = new List<SettingDefinition>();
            foreach (var definition in SettingCatalog.All)
            {
                if (definition.Sweepable && definition.Name == plain && (qualifier is null || Qualifies(qualifier, definition.Attribute)))
                {
                    found.Add(definition);
                }
            }

            return found;
        }

        private static bool Qualifies(string qualifier, AttributeKind kind)
        {
            var section = SectionNames.Of(kind);
            return string.Equals(qualifier, kind.ToString(), StringComparison.Ordinal)
                || string.Equals(qualifier, section, StringComparison.Ordinal)
                || (kind == AttributeKind.TypedDataset && qualifier == "Dataset");
        }
    }
}
