extern alias gen;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using BuildOptions = gen::Lora.Generators.Files.BuildOptions;
using ExperimentEmitter = gen::Lora.Generators.Emitting.ExperimentEmitter;
using ExperimentModel = gen::Lora.Generators.Model.ExperimentModel;
using ExperimentResolver = gen::Lora.Generators.Resolving.ExperimentResolver;
using ExperimentSpec = gen::Lora.Generators.Parsing.ExperimentSpec;
using ParsedChatTemplate = gen::Lora.Generators.Files.ParsedChatTemplate;
using ParsedChatTemplates = gen::Lora.Generators.Files.ParsedChatTemplates;
using ProjectFiles = gen::Lora.Generators.Files.ProjectFiles;
using TrackingNames = gen::Lora.Generators.TrackingNames;

namespace Lora.Generators.Benchmarks;

/// <summary>Times Lora's own stages (resolve, emit) and the compiler's parse of the emitted files, from a tracked run's step values.</summary>
internal static class StageProfile
{
    public static void Print(GeneratorDriver tracked, Func<Func<double>, double> median)
    {
        var result = tracked.GetRunResult().Results.Single();
        var specs = Values<ExperimentSpec>(result, TrackingNames.ExperimentSpecs);
        var options = Values<BuildOptions>(result, TrackingNames.BuildOptions).Single();
        var files = Values<ProjectFiles>(result, TrackingNames.ProjectFiles).Single();
        var templates = new ParsedChatTemplates(gen::Lora.Generators.Common.EquatableArray.ToEquatableArray(
            result.TrackedSteps.ContainsKey(TrackingNames.ChatTemplates) ? Values<ParsedChatTemplate>(result, TrackingNames.ChatTemplates) : []));
        var models = Values<ExperimentModel?>(result, TrackingNames.ExperimentModels).Where(m => m is not null).Select(m => m!).ToList();
        var sources = models.Select(m => ExperimentEmitter.Emit(m)).ToList();

        var resolve = median(() => specs.Sum(s => ExperimentResolver.Resolve(s, options, files, templates, CancellationToken.None).Diagnostics.Count));
        var emit = median(() => models.Sum(m => ExperimentEmitter.Emit(m).Length));
        var parse = median(() => sources.Sum(s => CSharpSyntaxTree.ParseText(s, BenchmarkProject.ParseOptions).Length));
        Console.WriteLine($"  stages (CPU ms for all {specs.Count}): resolve {resolve:F1}, emit {emit:F1}, compiler parse of generated files {parse:F1}");
    }

    private static List<T> Values<T>(GeneratorRunResult result, string step) =>
        result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => (T)o.Value).ToList();
}
