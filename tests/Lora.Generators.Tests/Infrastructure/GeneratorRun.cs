extern alias gen;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Lora.Generators.Tests.Infrastructure;

/// <summary>The outcome of running the generator over a test project.</summary>
/// <param name="Driver">The driver after the run (for incremental re-runs).</param>
/// <param name="Input">The compilation the generator saw.</param>
/// <param name="Output">The compilation with the generated sources.</param>
/// <param name="GeneratorDiagnostics">What the generator reported.</param>
internal sealed record GeneratorRun(GeneratorDriver Driver, Compilation Input, Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics)
{
    /// <summary>The generator's diagnostics with an ID starting with LORA.</summary>
    public IReadOnlyList<Diagnostic> Lora => GeneratorDiagnostics.Where(d => d.Id.StartsWith("LORA", StringComparison.Ordinal)).ToList();

    /// <summary>Errors of the output compilation (user code plus generated code).</summary>
    public IReadOnlyList<Diagnostic> CompileErrors => Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();

    /// <summary>The generated source with this hint name.</summary>
    /// <param name="hintName">e.g. <c>App.Demo.g.cs</c>.</param>
    /// <returns>The source text.</returns>
    public string Generated(string hintName) =>
        Driver.GetRunResult().Results.Single().GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString();

    /// <summary>The single LORA diagnostic; fails when there is not exactly one.</summary>
    public Diagnostic Single => Assert.Single(Lora);
}
