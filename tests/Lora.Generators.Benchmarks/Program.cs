extern alias gen;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Lora.Generators.Benchmarks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ExperimentGenerator = gen::Lora.Generators.ExperimentGenerator;

// The generator's cost on a project with 20 experiments: a full run (fresh driver, fresh compilation, as a
// command-line build) and an incremental run after an unrelated edit (as in the IDE). Prints medians.
const int Warmup = 10;
var iterations = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 30;

var baseline = BenchmarkProject.Compilation();
var files = BenchmarkProject.AdditionalFiles();
var options = new Options(BenchmarkProject.Properties());

GeneratorDriver NewDriver() => Driver(new ExperimentGenerator());

GeneratorDriver Driver(IIncrementalGenerator generator) => CSharpGeneratorDriver.Create(
    new[] { generator.AsSourceGenerator() },
    files,
    BenchmarkProject.ParseOptions,
    options);

var check = NewDriver().RunGenerators(baseline).GetRunResult();
var errors = check.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
if (errors.Count > 0 || check.GeneratedTrees.Length != BenchmarkProject.Experiments + 1)
{
    Console.Error.WriteLine($"The benchmark project is not clean: {check.GeneratedTrees.Length} files, {string.Join("; ", errors)}");
    return 1;
}

var full = Measure(() =>
{
    var compilation = BenchmarkProject.Compilation();
    return Time(() => NewDriver().RunGenerators(compilation));
});

var floor = Measure(() =>
{
    var compilation = BenchmarkProject.Compilation();
    return Time(() => Driver(new AttributeOnlyGenerator()).RunGenerators(compilation));
});

var warm = NewDriver().RunGenerators(baseline);
var unrelated = baseline.SyntaxTrees.First(t => t.FilePath.EndsWith("Service0.cs", StringComparison.Ordinal));
var edit = 0;
var incremental = Measure(() =>
{
    var edited = baseline.ReplaceSyntaxTree(unrelated, unrelated.WithChangedText(unrelated.GetText().Replace(0, 0, "// edit " + edit++ + "\n")));
    return Time(() => warm = warm.RunGenerators(edited));
});

var floorWarm = Driver(new AttributeOnlyGenerator()).RunGenerators(baseline);
var floorIncremental = Measure(() =>
{
    var edited = baseline.ReplaceSyntaxTree(unrelated, unrelated.WithChangedText(unrelated.GetText().Replace(0, 0, "// edit " + edit++ + "\n")));
    return Time(() => floorWarm = floorWarm.RunGenerators(edited));
});

Console.WriteLine($"Lora.Generators, {BenchmarkProject.Experiments} experiments, {baseline.SyntaxTrees.Count()} files, {iterations} runs after {Warmup} warm-up runs, {Environment.ProcessorCount} cores");
Console.WriteLine("                                          wall median   thread CPU median");
Report("full run (fresh driver and compilation)", full);
Report("  floor: attribute lookup alone", floor);
Report("incremental run after an unrelated edit", incremental);
Report("  floor: attribute lookup alone", floorIncremental);
if (args.Contains("--stages"))
{
    var tracked = CSharpGeneratorDriver.Create(new[] { new ExperimentGenerator().AsSourceGenerator() }, files, BenchmarkProject.ParseOptions, options, new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true)).RunGenerators(baseline);
    StageProfile.Print(tracked, run => Median(Measure(() => Time(() => run())).Select(t => t.Cpu)));
}

return 0;

void Report(string name, List<Timing> timings) =>
    Console.WriteLine($"{name,-42}{Median(timings.Select(t => t.Wall)),8:F1} ms{Median(timings.Select(t => t.Cpu)),14:F1} ms");

static Timing Time(Action run)
{
    var cpu = ThreadClock.Milliseconds();
    var watch = Stopwatch.StartNew();
    run();
    return new Timing(watch.Elapsed.TotalMilliseconds, ThreadClock.Milliseconds() - cpu);
}

List<Timing> Measure(Func<Timing> run)
{
    for (var i = 0; i < Warmup; i++)
    {
        run();
    }

    return Enumerable.Range(0, iterations).Select(_ => run()).ToList();
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}

/// <summary>One measured run.</summary>
/// <param name="Wall">Elapsed wall-clock milliseconds.</param>
/// <param name="Cpu">CPU milliseconds of the measuring thread.</param>
internal readonly record struct Timing(double Wall, double Cpu);

/// <summary>Global build properties for the driver.</summary>
internal sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptionsProvider
{
    private readonly Global _global = new(values);

    public override AnalyzerConfigOptions GlobalOptions => _global;

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Global.Empty;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Global.Empty;

    private sealed class Global(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public static readonly Global Empty = new(new Dictionary<string, string>());

        public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
    }
}
