using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Lora.Generators.Benchmarks;

/// <summary>A realistic project: 20 experiments in their own files, 40 unrelated classes, two model configs and five 2,000-row datasets.</summary>
internal static class BenchmarkProject
{
    public const int Experiments = 20;
    private const string Directory = "/src/Bench";

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Preview);

    public static CSharpCompilation Compilation()
    {
        var trees = Enumerable.Range(0, Experiments).Select(i => Parse(Experiment(i), $"Experiments/Experiment{i}.cs"))
            .Concat(Enumerable.Range(0, 40).Select(i => Parse(Unrelated(i), $"Code/Service{i}.cs")))
            .Append(Parse("namespace Bench; public sealed record Email(string Subject, string Body, string Label);", "Email.cs"));
        return CSharpCompilation.Create("Bench", trees, References(), new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    public static IReadOnlyList<AdditionalText> AdditionalFiles()
    {
        var root = FindRepository();
        var fixtures = Path.Combine(root, "..", "shared", "fixtures", "peft");
        var templates = Path.Combine(root, "tests", "Lora.Runtime.Tests", "ChatTemplates", "Corpus");
        var files = new List<AdditionalText>
        {
            new Text(Directory + "/models/tiny-llama/config.json", File.ReadAllText(Path.Combine(fixtures, "tiny-llama", "base", "config.json"))),
            new Text(Directory + "/models/tiny-gpt2/config.json", File.ReadAllText(Path.Combine(fixtures, "tiny-gpt2", "base", "config.json"))),
            // Real chat templates (the runtime's corpus), which the Chat experiments' rows are rendered with.
            new Text(Directory + "/models/tiny-llama/tokenizer_config.json", File.ReadAllText(Path.Combine(templates, "llama2", "tokenizer_config.json"))),
            new Text(Directory + "/models/tiny-gpt2/tokenizer_config.json", File.ReadAllText(Path.Combine(templates, "zephyr", "tokenizer_config.json"))),
            new Text(Directory + "/data/alpaca.jsonl", Rows(i => $$"""{"instruction": "Classify review {{i}}.", "input": "Battery life is fine, screen {{i}} is sharp.", "output": "{{(i % 2 == 0 ? "positive" : "negative")}}"}""")),
            new Text(Directory + "/data/mail.jsonl", Rows(i => $$"""{"subject": "Offer {{i}}", "body": "Claim reward number {{i}} now.", "label": "{{(i % 3 == 0 ? "ham" : "spam")}}"}""")),
            new Text(Directory + "/data/chat.jsonl", Rows(i => $$"""{"messages": [{"role": "user", "content": "What is {{i}} + 1?"}, {"role": "assistant", "content": "{{i + 1}}"}]}""")),
            new Text(Directory + "/data/tokens.jsonl", Rows(i => $$"""{"input_ids": [1, {{i % 500}}, {{(i * 7) % 500}}, 2]}""")),
            new Text(Directory + "/data/text.jsonl", Rows(i => $$"""{"text": "Document {{i}} about low-rank adapters."}""")),
        };
        return files;
    }

    public static Dictionary<string, string> Properties() => new()
    {
        ["build_property.MSBuildProjectDirectory"] = Directory,
        ["build_property.LoraMemoryBudget"] = "8GB",
    };

    private static string Experiment(int i)
    {
        var model = i % 2 == 0 ? "models/tiny-llama" : "models/tiny-gpt2";
        var targets = i % 2 == 0 ? "\"q_proj\", \"k_proj\", \"v_proj\", \"o_proj\"" : "\"c_attn\", \"c_proj\"";
        var length = i % 2 == 0 ? 128 : 64;
        var dataset = (i % 5) switch
        {
            0 => $"[Dataset(\"data/alpaca.jsonl\", Format = DatasetFormat.Alpaca, EvalFraction = 0.1, MaxLength = {length})]",
            1 => $"[Dataset<Email>(\"data/mail.jsonl\", Prompt = \"Subject: {{Subject}}\\n{{Body}}\\nLabel:\", Completion = \" {{Label}}\", MaxLength = {length})]",
            2 => $"[Dataset(\"data/chat.jsonl\", Format = DatasetFormat.Chat, MaxLength = {length})]",
            3 => $"[Dataset(\"data/tokens.jsonl\", Format = DatasetFormat.TokenIds, MaxLength = {length})]",
            _ => $"[Dataset(\"data/text.jsonl\", MaxLength = {length})]",
        };
        var extras = i % 4 == 0 ? "[Quantize(QuantType.NF4, DoubleQuant = true, ComputeType = ComputeType.BFloat16)]\n[Merge(DType = MergeDType.Float16)]" : "";
        var sweep = i % 3 == 0 ? "[Sweep(\"Rank\", 4, 8, 16)]\n[Sweep(\"LearningRate\", 1e-4, 2e-4)]" : "";
        return $$"""
            using Lora;

            namespace Bench.Experiments;

            [Experiment("experiment-{{i}}")]
            [BaseModel("{{model}}")]
            [LoraAdapter(Rank = 8, Alpha = 16, Dropout = 0.05, Targets = new[] { {{targets}} })]
            {{dataset}}
            [Training(Epochs = 2, LearningRate = 2e-4, BatchSize = 4, GradientAccumulation = 4, WarmupRatio = 0.03, Schedule = LrSchedule.Cosine)]
            [Evaluate(Metric.Perplexity, Metric.Accuracy)]
            [Expect(Metric.Accuracy, AtLeast = 0.8)]
            {{extras}}
            {{sweep}}
            public partial record Experiment{{i}};
            """;
    }

    private static string Unrelated(int i) => $$"""
        using System;
        using System.Collections.Generic;
        using System.Linq;

        namespace Bench.Code;

        public sealed class Service{{i}}
        {
            private readonly Dictionary<string, int> _counts = new();

            [Obsolete("kept for the benchmark")]
            public int Count(IEnumerable<string> words)
            {
                foreach (var word in words.Where(w => w.Length > {{i % 5}}))
                {
                    _counts[word] = _counts.TryGetValue(word, out var n) ? n + 1 : 1;
                }

                return _counts.Values.Sum();
            }
        }
        """;

    private static SyntaxTree Parse(string text, string path) => CSharpSyntaxTree.ParseText(text, ParseOptions, Directory + "/" + path);

    private static string Rows(Func<int, string> row) => string.Join("\n", Enumerable.Range(0, 2000).Select(row)) + "\n";

    private static IReadOnlyList<MetadataReference> References()
    {
        var runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => Path.GetDirectoryName(p) == runtime)
            .Append(typeof(Lora.ExperimentConfig).Assembly.Location)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToList();
    }

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Lora.Sdk.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run the benchmark from inside the repository.");
    }

    private sealed class Text(string path, string content) : AdditionalText
    {
        private readonly SourceText _text = SourceText.From(content, Encoding.UTF8);

        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }
}
