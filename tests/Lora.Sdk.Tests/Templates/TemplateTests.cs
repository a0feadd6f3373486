using Lora.Sdk.Tests.Infrastructure;

namespace Lora.Sdk.Tests.Templates;

/// <summary>`dotnet new lora-experiment` and its options (instantiation only; EndToEnd builds one).</summary>
[Collection(SdkCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class TemplateTests(PackedSdk sdk)
{
    [Fact]
    public void The_project_names_the_packed_sdk_its_experiment_and_the_built_in_model_carries_its_data_and_builds_offline_as_made()
    {
        var project = sdk.FromTemplateAsMade("SpamFilter");

        Assert.StartsWith($"<Project Sdk=\"Lora.Sdk/{sdk.Version}\">", project.Read("SpamFilter.csproj"));
        Assert.Contains("<LoraDevice>cpu</LoraDevice>", project.Read("SpamFilter.csproj"));
        Assert.Contains("artifacts/", project.Read(".gitignore").Split('\n'));
        Assert.Contains($"value=\"{sdk.Feed}\"", project.Read("nuget.config"));
        Assert.DoesNotContain("AdditionalFiles", project.Read("SpamFilter.csproj"));
        var experiment = project.Read("Experiment.cs");
        Assert.Contains("namespace SpamFilter;", experiment);
        Assert.Contains("[Experiment(\"spam-filter\"", experiment);
        Assert.Contains("[BaseModel(\"lora-tiny-en\")]", experiment);
        Assert.DoesNotContain("Quantize", experiment);
        var rows = File.ReadAllLines(project.Path(TemplateSource.DatasetPath(experiment))).Where(l => l.Trim().Length > 0).ToList();
        Assert.True(rows.Count >= 16, "the dataset should hold enough rows for a few batches");
        Assert.All(rows, row => Assert.IsType<System.Text.Json.Nodes.JsonObject>(System.Text.Json.Nodes.JsonNode.Parse(row)));

        // No edits, and no network: the packages come from the feed the template names (nuget.config) and from the
        // machine's package folder (TorchSharp, libtorch). Every HTTP request goes to a closed port, so a restore that
        // needed one fails. It restores, compiles and runs the experiment's checks; training is another test's.
        var offline = new Dictionary<string, string>
        {
            ["NUGET_FALLBACK_PACKAGES"] = PackedSdk.MachinePackages,
            ["HTTP_PROXY"] = "http://127.0.0.1:9", ["HTTPS_PROXY"] = "http://127.0.0.1:9", ["NO_PROXY"] = "",
        };
        project.BuildWith(offline, "-p:LoraTrainOnBuild=false").ShouldSucceed().ShouldNotSay("error NU", "error CS", "error LORA");
        Assert.True(File.Exists(project.Path("bin", "Debug", "net10.0", "SpamFilter.dll")));
    }

    [Theory]
    [InlineData("cuda")]
    [InlineData("auto")]
    public void Device_sets_where_the_build_trains(string device)
    {
        var project = sdk.FromTemplateAsMade("OnDevice" + device, "--device", device);

        Assert.Contains($"<LoraDevice>{device}</LoraDevice>", project.Read($"OnDevice{device}.csproj"));
    }

    [Fact]
    public void Qlora_adds_a_4_bit_nf4_base_with_double_quantization()
    {
        var project = sdk.FromTemplate("Quantized", "--qlora");

        Assert.Contains("[Quantize(QuantType.NF4, DoubleQuant = true)]", project.Read("Experiment.cs"));
    }

    [Fact]
    public void A_qlora_project_builds_and_trains_with_its_base_quantized()
    {
        var project = sdk.FromTemplate("QuantizedRun", "--qlora", "--base-model", sdk.TextModel);
        project.Replace("Experiment.cs", TemplateSource.TrainingAttribute, "[Training(MaxSteps = 2, BatchSize = 4, LoggingSteps = 1)]");
        project.RemoveLines("Experiment.cs", TemplateSource.EvaluationLines);
        // The sample's rows fit 128 tokens of the built-in model's GPT-2 BPE; this model's tokenizer needs more (and
        // spells some non-English spam one byte per token): 16 English rows and a longer MaxLength.
        project.Replace("Experiment.cs", "MaxLength = 128", "MaxLength = 512");
        string datasetPath = TemplateSource.DatasetPath(project.Read("Experiment.cs"));
        project.Write(datasetPath, string.Join("\n", project.Read(datasetPath).Split('\n').Take(16)) + "\n");

        project.Build().ShouldSucceed().ShouldSay("quantized-run step 2/2");

        var run = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(project.Path("artifacts", "lora", "quantized-run", "run.json")))!;
        Assert.Equal("NF4", (string?)run["config"]?["Quantization"]?["Type"]);
    }

    [Fact]
    public void A_base_model_path_is_used_and_its_config_passed_to_the_checks()
    {
        var project = sdk.FromTemplate("OwnModel", "--base-model", @"..\models\my-llama");

        Assert.Contains("[BaseModel(\"../models/my-llama\")]", project.Read("Experiment.cs"));
        Assert.Contains("<AdditionalFiles Include=\"../models/my-llama/config.json\" />", project.Read("OwnModel.csproj"));
    }
}
