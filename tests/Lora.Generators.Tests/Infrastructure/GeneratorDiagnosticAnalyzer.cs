extern alias gen;
using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using DiagnosticDescriptors = gen::Lora.Generators.Diagnostics.DiagnosticDescriptors;
using ExperimentGenerator = gen::Lora.Generators.ExperimentGenerator;

namespace Lora.Generators.Tests.Infrastructure;

/// <summary>
/// Surfaces the generator's diagnostics as analyzer diagnostics on the compilation's own trees, the way the IDE
/// offers code fixes for source-generator diagnostics, so that the code-fix test framework can drive the fixes.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class GeneratorDiagnosticAnalyzer : DiagnosticAnalyzer
{
    private static readonly ImmutableDictionary<string, DiagnosticDescriptor> Passthrough = typeof(DiagnosticDescriptors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .ToImmutableDictionary(
            d => d.Id,
            d => new DiagnosticDescriptor(d.Id, d.Title, "{0}", d.Category, d.DefaultSeverity, d.IsEnabledByDefault));

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => Passthrough.Values.ToImmutableArray();

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            // One generator run per compilation; each tree then reports its own diagnostics, so that they are
            // local to a document as the IDE treats source-generator diagnostics.
            var run = new Lazy<ImmutableArray<Diagnostic>>(() => RunGenerator(start.Compilation, start.Options, start.CancellationToken));
            start.RegisterSyntaxTreeAction(tree =>
            {
                foreach (var diagnostic in run.Value.Where(d => d.Location.GetLineSpan().Path == tree.Tree.FilePath))
                {
                    var location = Location.Create(tree.Tree, diagnostic.Location.SourceSpan);
                    tree.ReportDiagnostic(Diagnostic.Create(Passthrough[diagnostic.Id], location, diagnostic.Properties, diagnostic.GetMessage()));
                }
            });
        });
    }

    private static ImmutableArray<Diagnostic> RunGenerator(Compilation compilation, AnalyzerOptions options, CancellationToken cancellationToken)
    {
        var parseOptions = (CSharpParseOptions)compilation.SyntaxTrees.First().Options;
        var driver = CSharpGeneratorDriver.Create(
            new[] { new ExperimentGenerator().AsSourceGenerator() },
            options.AdditionalFiles,
            parseOptions,
            options.AnalyzerConfigOptionsProvider);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out _, out var diagnostics, cancellationToken);
        return diagnostics;
    }
}
