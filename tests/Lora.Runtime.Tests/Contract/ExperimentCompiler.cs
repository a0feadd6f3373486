extern alias gen;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Lora.Generators.Tests.Infrastructure;
using Lora.Runtime.Experiments;
using ExperimentGenerator = gen::Lora.Generators.ExperimentGenerator;

namespace Lora.Runtime.Tests.Contract;

/// <summary>
/// Compiles an experiment source in a project folder on disk as a build does: the real generator, the folder's JSON and
/// JSONL files as AdditionalFiles, the folder as MSBuildProjectDirectory; then loads the assembly through the build host's
/// own discovery, so what comes out is what <c>dotnet build</c> would hand the runtime.
/// </summary>
internal static class ExperimentCompiler
{
    static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview);
    static int _compiled;

    /// <summary>The generator's and the compiler's diagnostics (errors, and LORA warnings), and the configurations when it compiled.</summary>
    public sealed record Result(string Source, IReadOnlyList<Diagnostic> Diagnostics, IReadOnlyList<Lora.ExperimentConfig> Configs)
    {
        /// <summary>The compiled assembly, once it compiled.</summary>
        public string? AssemblyPath { get; init; }

        public bool Compiled => Diagnostics.All(d => d.Severity != DiagnosticSeverity.Error);

        /// <summary>The source text a diagnostic points at (the generator's locations carry the file's path, not its tree).</summary>
        public string At(Diagnostic d) => d.Location.IsInSource || d.Location.Kind == LocationKind.ExternalFile
            ? Source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length) : "";

        public string Describe() => string.Join("; ", Diagnostics.Select(d => $"{d.Id} at '{At(d)}': {d.GetMessage()}"));
    }

    /// <param name="projectDirectory">The project folder: its JSON and JSONL files are the AdditionalFiles.</param>
    /// <param name="source">The experiments' source.</param>
    /// <param name="hubCache">A Hugging Face cache inside the project folder: each snapshot config.json a ref points at gets
    /// the metadata the SDK's task gives it (LoraHubModel = org/name@revision), so that [BaseModel("org/name")] finds it.</param>
    /// <param name="references">What it compiles against; null: <see cref="References.All"/> (no runtime).</param>
    public static Result Compile(string projectDirectory, string source, string? hubCache = null, IReadOnlyList<MetadataReference>? references = null)
    {
        var sourcePath = Path.Combine(projectDirectory, "Experiments.cs");
        File.WriteAllText(sourcePath, source);
        // One assembly name per compilation: the default load context keeps the first assembly of a name.
        string name = $"ContractExperiments{Interlocked.Increment(ref _compiled)}";
        var compilation = CSharpCompilation.Create(name, [CSharpSyntaxTree.ParseText(source, ParseOptions, sourcePath)], references ?? References.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var additional = Directory.EnumerateFiles(projectDirectory, "*.json*", SearchOption.AllDirectories)
            .Select(path => (AdditionalText)new FileText(path)).ToImmutableArray();
        var driver = CSharpGeneratorDriver.Create([new ExperimentGenerator().AsSourceGenerator()], additional, ParseOptions,
            new GlobalOptionsProvider(new Dictionary<string, string> { ["build_property.MSBuildProjectDirectory"] = projectDirectory },
                hubCache is null ? null : HubModels(hubCache)));
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var diagnostics = generatorDiagnostics.Concat(output.GetDiagnostics())
            .Where(d => d.Severity == DiagnosticSeverity.Error || d.Id.StartsWith("LORA", StringComparison.Ordinal)).ToList();
        if (diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error)) return new Result(source, diagnostics, []);

        var assemblyPath = Path.Combine(projectDirectory, "bin", name + ".dll");
        Directory.CreateDirectory(Path.GetDirectoryName(assemblyPath)!);
        var emitted = output.Emit(assemblyPath);
        if (!emitted.Success) return new Result(source, [.. diagnostics, .. emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)], []);
        return new Result(source, diagnostics, ExperimentHost.Discover(assemblyPath)) { AssemblyPath = assemblyPath };
    }

    /// <summary>The metadata of each cached model's config.json, by path: the id and the revision of the ref that points at it.</summary>
    static Dictionary<string, Dictionary<string, string>> HubModels(string cache)
    {
        var metadata = new Dictionary<string, Dictionary<string, string>>();
        foreach (var model in Directory.EnumerateDirectories(cache, "models--*"))
        {
            string id = Path.GetFileName(model)["models--".Length..].Replace("--", "/", StringComparison.Ordinal);
            string refs = Path.Combine(model, "refs");
            foreach (var reference in Directory.EnumerateFiles(refs, "*", SearchOption.AllDirectories))
            {
                string revision = Path.GetRelativePath(refs, reference).Replace(Path.DirectorySeparatorChar, '/');
                string config = Path.Combine(model, "snapshots", File.ReadAllText(reference).Trim(), "config.json");
                metadata[config] = new() { ["build_metadata.AdditionalFiles.LoraHubModel"] = id + "@" + revision };
            }
        }
        return metadata;
    }

    sealed class FileText(string path) : AdditionalText
    {
        public override string Path => path;
        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(File.ReadAllText(path));
    }
}
