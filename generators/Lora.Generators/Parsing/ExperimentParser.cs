using System.Collections.Generic;
using System.Threading;
using Lora.Generators.Common;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Lora.Generators.Parsing
{
    /// <summary>The transform of the pipeline's first step: [Experiment] declaration → <see cref="ExperimentSpec"/>.</summary>
    internal static class ExperimentParser
    {
        /// <summary>Whether a syntax node can carry [Experiment] (the cheap syntactic filter).</summary>
        /// <param name="node">The node.</param>
        /// <param name="cancellationToken">Unused.</param>
        /// <returns>True for type declarations.</returns>
        public static bool IsCandidate(SyntaxNode node, CancellationToken cancellationToken) => node is TypeDeclarationSyntax;

        /// <summary>Reads the experiment declaration into plain data.</summary>
        /// <param name="context">The matched declaration.</param>
        /// <param name="cancellationToken">Cancels the read.</param>
        /// <returns>The spec, or null when the target is not a named type.</returns>
        public static ExperimentSpec? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol symbol || context.TargetNode is not TypeDeclarationSyntax declaration)
            {
                return null;
            }

            var attributes = new List<AttributeSpec>();
            RowTypeSpec? rowType = null;
            foreach (var attribute in symbol.GetAttributes())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var spec = AttributeReader.Read(attribute, cancellationToken);
                if (spec is null)
                {
                    continue;
                }

                attributes.Add(spec);
                if (spec.Kind == AttributeKind.TypedDataset)
                {
                    rowType ??= RowTypeReader.Read(attribute);
                }
            }

            return new ExperimentSpec(
                TypeShapeReader.Read(symbol, declaration),
                declaration.SyntaxTree.FilePath,
                attributes.ToEquatableArray(),
                rowType);
        }
    }
}
