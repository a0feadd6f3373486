using System.Text;
using Lora.Sdk.Tests.Infrastructure;

namespace Lora.Sdk.Tests.EndToEnd;

/// <summary>
/// The train-tiny-llama fixture (6 steps of transformers + PEFT) reproduced by `dotnet build` of an attributed
/// record: the adapter in artifacts/lora/&lt;name&gt;/adapter/ matches the fixture's final weights.
/// </summary>
[Collection(SdkCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class FixtureReproductionTests(PackedSdk sdk)
{
    const double Tolerance = 1e-4;

    [Fact]
    public void The_train_tiny_llama_fixture_built_as_an_experiment_ends_with_the_fixtures_adapter()
    {
        string expected = Path.Combine(Fixture, "expected.safetensors");
        var project = NewProject("FixtureRun");
        project.Build().ShouldSucceed().ShouldSay("train-tiny-llama step 6/6");

        // The fixture names PEFT parameters with the adapter name (".lora_A.default.weight"); adapter files do not.
        var reference = AdapterWeights.ReadFloat32(expected, name => name.StartsWith("final.", StringComparison.Ordinal))
            .ToDictionary(p => p.Key["final.".Length..].Replace(".default.weight", ".weight", StringComparison.Ordinal), p => p.Value);
        AdapterWeights.AssertClose(reference, AdapterWeights.ReadFloat32(project.AdapterFile("train-tiny-llama")), Tolerance);
        Assert.True(File.Exists(project.Path("artifacts", "lora", "train-tiny-llama", "merged", "config.json")));
        Assert.True(File.Exists(project.Path("artifacts", "lora", "train-tiny-llama", "run.json")));
    }

    [Fact]
    public void Changing_only_an_expectation_rechecks_it_without_training_again()
    {
        var project = NewProject("ExpectationRun", "[Evaluate(Metric.Perplexity)]", "[Expect(Metric.Perplexity, AtMost = 1e9)]");
        project.Build().ShouldSucceed().ShouldSay("train-tiny-llama: training", "train-tiny-llama: evaluating");

        // A threshold no model meets: the build fails on it, from the evaluation on disk, and trains nothing.
        project.Replace("TrainTinyLlama.cs", "AtMost = 1e9", "AtMost = 1e-9");
        project.Build().ShouldFail().ShouldSay("train-tiny-llama: up to date", "LORA1002")
            .ShouldNotSay("train-tiny-llama: training", "train-tiny-llama: evaluating", "train-tiny-llama: merging");
    }

    static string Fixture => RepoPaths.Fixture("train-tiny-llama");

    /// <summary>A project whose one experiment is the fixture's run (its rows, base model, initial adapter and settings).</summary>
    ScratchProject NewProject(string name, params string[] attributes)
    {
        var project = sdk.NewProject(name, $"""
              <ItemGroup>
                <AdditionalFiles Include="{Fixture}/base/config.json" />
              </ItemGroup>
            """);
        project.Write("data/train.jsonl", TokenRows(Path.Combine(Fixture, "expected.safetensors")));
        project.Write("TrainTinyLlama.cs", $$"""
            using Lora;

            namespace {{name}};

            [Experiment("train-tiny-llama")]
            [BaseModel("{{Fixture}}/base")]
            [LoraAdapter(InitFrom = "{{Fixture}}/adapter_init")]
            [Dataset("data/train.jsonl", Format = DatasetFormat.TokenIds, EvalFraction = 0, Shuffle = false, MaxLength = 64)]
            [Training(MaxSteps = 6, LearningRate = 5e-3, BatchSize = 4, EvalBatchSize = 4, GradientAccumulation = 2, WarmupSteps = 2,
                      Schedule = LrSchedule.Cosine, WeightDecay = 0.01, MaxGradNorm = 1.0, Seed = 42, LoggingSteps = 1)]
            [Merge(DType = MergeDType.Float32)]
            {{string.Join("\n", attributes)}}
            public partial record TrainTinyLlama;
            """);
        return project;
    }

    /// <summary>The fixture's 48 rows of 16 token ids as TokenIds JSONL, in order.</summary>
    static string TokenRows(string expected)
    {
        var (shape, ids) = AdapterWeights.ReadInt64(expected, "data");
        var text = new StringBuilder();
        for (long row = 0; row < shape[0]; row++)
            text.Append("{\"input_ids\": [").AppendJoin(", ", ids.Skip((int)(row * shape[1])).Take((int)shape[1])).Append("]}\n");
        return text.ToString();
    }
}
