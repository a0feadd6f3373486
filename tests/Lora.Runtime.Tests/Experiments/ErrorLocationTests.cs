using System.Text.Json.Nodes;
using Lora.Runtime.Data;
using Lora.Runtime.Experiments;

namespace Lora.Runtime.Tests.Experiments;

/// <summary>Errors of a run carry the place they are about to the build: a dataset line, or the experiment's attribute.</summary>
public class ErrorLocationTests
{
    static readonly Lora.AttributeLocation[] Locations =
    [
        new("Experiment", 10, 2), new("BaseModel", 11, 2), new("Quantize", 12, 2), new("Dataset", 13, 2), new("Expect", 14, 2), new("Expect", 15, 2),
    ];

    [Fact]
    public void A_bad_dataset_line_is_reported_at_its_file_line_and_column_as_LORA1050()
    {
        using var dir = new TempFolder();
        var dataset = FixtureExperiment.WriteDataset(dir);
        File.AppendAllText(dataset, "{\"input_ids\": [1, 2,, 3]}\n");   // line 49
        var config = Located(FixtureExperiment.Config(dir.Path, dataset), dir) with { Merge = null };

        var e = Assert.Throws<DatasetException>(() => Host(dir, new StringWriter()).Run([config], [], default));
        var output = new StringWriter();
        new BuildProtocol(output).Error(e.Message, ErrorLocation.Of(e));

        var payload = Payload(output, "error");
        Assert.Equal(dataset, (string?)payload["file"]);
        Assert.Equal(49, (int?)payload["line"]);
        Assert.True((int?)payload["column"] > 1);
        Assert.Equal("LORA1050", (string?)payload["code"]);
        Assert.StartsWith($"{dataset}:49: not valid JSON", (string?)payload["text"]);
    }

    [Fact]
    public void A_setting_the_runtime_refuses_is_reported_at_its_attribute_in_the_experiments_source()
    {
        using var dir = new TempFolder();
        var config = Located(FixtureExperiment.Config(dir.Path, FixtureExperiment.WriteDataset(dir)), dir) with
        {
            Quantization = new Lora.QuantizationSettings(Lora.QuantType.Int8, DoubleQuant: false, Lora.ComputeType.Float32),
        };

        var e = Assert.ThrowsAny<Exception>(() => Host(dir, new StringWriter()).Run([config], [], default));

        Assert.Contains("[Quantize(QuantType.Int8)]", e.Message);
        Assert.Equal(new ErrorLocation(config.SourcePath, 12, 2), ErrorLocation.Of(e));
    }

    [Fact]
    public void Each_expectation_is_reported_with_the_place_of_its_own_Expect_attribute()
    {
        using var dir = new TempFolder();
        var config = Located(FixtureExperiment.Config(dir.Path, FixtureExperiment.WriteDataset(dir)), dir) with
        {
            Merge = null,
            Evaluation = new Lora.EvaluationSettings([Lora.Metric.Perplexity], MaxNewTokens: 8),
            Expectations = [new Lora.ExpectationSettings(Lora.Metric.Perplexity, AtLeast: null, AtMost: 1e9), new Lora.ExpectationSettings(Lora.Metric.Perplexity, AtLeast: null, AtMost: 1e-9)],
        };
        var output = new StringWriter();

        Assert.Equal(RunnerProtocol.ExitCode.ExpectationFailed, Host(dir, output).Run([config], [], default));

        var expectations = Payloads(output, "expectation");
        Assert.Equal(new[] { (true, 14), (false, 15) }, expectations.Select(p => ((bool)p["passed"]!, (int)p["line"]!)));
        Assert.All(expectations, p => Assert.Equal((config.SourcePath, 2), ((string?)p["file"], (int?)p["column"])));
    }

    static Lora.ExperimentConfig Located(Lora.ExperimentConfig config, TempFolder dir) =>
        config with { SourcePath = Path.Combine(dir.Path, "Experiment.cs"), Locations = Locations };

    static ExperimentHost Host(TempFolder dir, StringWriter output) =>
        new(new RunnerOptions { ArtifactsRoot = dir.Child("artifacts") }, new BuildProtocol(output));

    static JsonObject Payload(StringWriter output, string kind) => Assert.Single(Payloads(output, kind));

    static List<JsonObject> Payloads(StringWriter output, string kind) =>
        output.ToString().Split('\n').Where(l => l.StartsWith(BuildProtocol.Prefix + kind + " ", StringComparison.Ordinal))
            .Select(l => JsonNode.Parse(l[(BuildProtocol.Prefix.Length + kind.Length + 1)..])!.AsObject()).ToList();
}
