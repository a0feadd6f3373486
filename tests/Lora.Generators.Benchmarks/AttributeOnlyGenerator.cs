using Microsoft.CodeAnalysis;

namespace Lora.Generators.Benchmarks;

/// <summary>
/// The floor any attribute-driven generator pays: finds the same [Experiment] declarations and does nothing
/// with them. Subtracting it from the real run shows what Lora's own stages cost.
/// </summary>
internal sealed class AttributeOnlyGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var found = context.SyntaxProvider.ForAttributeWithMetadataName(
            "Lora.ExperimentAttribute",
            static (node, _) => true,
            static (ctx, _) => ctx.TargetSymbol.GetAttributes().Length);
        context.RegisterSourceOutput(found, static (_, _) => { });
    }
}
