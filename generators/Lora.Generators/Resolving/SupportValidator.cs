using System.Collections.Generic;
using Lora.Generators.Diagnostics;
using Lora.Generators.Parsing;

namespace Lora.Generators.Resolving
{
    /// <summary>
    /// Setting values the runtime does not implement yet (LORA0015), reported at the argument (or the sweep value) that
    /// asks for them: a build never trains without a setting it accepted, and never finds out at training time.
    /// </summary>
    internal static class SupportValidator
    {
        /// <summary>(attribute, setting, value as C# displays it) → what to use instead.</summary>
        private static readonly (AttributeKind Kind, string Setting, string Value, string Instead)[] NotSupported =
        {
            (AttributeKind.Quantize, "Type", "QuantType.Int8", "8-bit bases (LLM.int8) are not implemented; use QuantType.NF4 or QuantType.FP4, 4-bit bases in bitsandbytes' layout"),
            (AttributeKind.Merge, "SafeMerge", "false",
                "every merge is checked for non-finite weights and refuses to write them (PEFT's safe_merge = True); remove the argument"),
        };

        /// <summary>Reports each unsupported value, written or swept.</summary>
        public static void Validate(ResolutionContext context, ResolvedSettings settings, IReadOnlyList<SweepAxis> axes)
        {
            foreach (var (kind, setting, value, instead) in NotSupported)
            {
                if (!settings.Has(kind)) continue;
                foreach (var (written, location) in settings.WithSweptValues(kind, setting, axes))
                {
                    if (written.Display() == value)
                        context.Report(DiagnosticDescriptors.SettingNotSupported, location, $"{setting} = {written.Display()}", instead);
                }
            }
        }
    }
}
