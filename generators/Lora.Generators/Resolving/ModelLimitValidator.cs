using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Lora.Generators.Diagnostics;
using Lora.Generators.Parsing;

namespace Lora.Generators.Resolving
{
    /// <summary>Checks values against the base model's sizes: rank against targeted widths (LORA0044), MaxLength against positions (LORA0046), 4-bit embeddings against the hidden size (LORA0047).</summary>
    internal static class ModelLimitValidator
    {
        /// <summary>Checks the unswept values and every swept value.</summary>
        /// <param name="context">The resolution context.</param>
        /// <param name="settings">The resolved settings.</param>
        /// <param name="model">What is known about the base model.</param>
        /// <param name="targets">The resolved targets.</param>
        /// <param name="axes">The sweeps.</param>
        public static void Validate(ResolutionContext context, ResolvedSettings settings, BaseModelInfo model, IReadOnlyList<string> targets, IReadOnlyList<SweepAxis> axes)
        {
            if (model.Family is not { } family || model.Dimensions is not { } dims)
            {
                return;
            }

            var narrowest = targets
                .SelectMany(family.Select)
                .Select(m => (Module: m, Widths: m.Widths(dims)))
                .OrderBy(m => System.Math.Min(m.Widths.In, m.Widths.Out))
                .FirstOrDefault();
            if (narrowest.Module is not null)
            {
                var limit = System.Math.Min(narrowest.Widths.In, narrowest.Widths.Out);
                foreach (var (rank, location) in settings.WithSweptValues(AttributeKind.LoraAdapter, "Rank", axes))
                {
                    if (rank.AsInt > limit)
                    {
                        context.Report(
                            DiagnosticDescriptors.RankAboveModuleWidth,
                            location,
                            rank.Display(),
                            Text(limit),
                            narrowest.Module.QualifiedName,
                            Text(narrowest.Widths.In),
                            Text(narrowest.Widths.Out));
                    }
                }
            }

            // The runtime's 4-bit lookup unpacks whole rows, so each row must be whole 64-value blocks.
            const int Block = 64;
            if (settings.Has(AttributeKind.Quantize) && dims.HiddenSize % Block != 0)
            {
                foreach (var (embeddings, location) in settings.WithSweptValues(AttributeKind.Quantize, "Embeddings", axes))
                {
                    if (embeddings.AsBool)
                    {
                        context.Report(DiagnosticDescriptors.EmbeddingsNotWholeBlocks, location, Text(Block), model.Display, Text(dims.HiddenSize));
                    }
                }
            }

            if (settings.Has(settings.DatasetKind))
            {
                foreach (var (length, location) in settings.WithSweptValues(settings.DatasetKind, "MaxLength", axes))
                {
                    if (length.AsInt > dims.MaxPositions)
                    {
                        context.Report(DiagnosticDescriptors.MaxLengthAboveContext, location, length.Display(), Text(dims.MaxPositions), model.Display);
                    }
                }
            }
        }

        private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
