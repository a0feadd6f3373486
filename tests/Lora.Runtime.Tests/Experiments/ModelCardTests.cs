using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Lora.Runtime.Experiments;
using YamlDotNet.RepresentationModel;

namespace Lora.Runtime.Tests.Experiments;

/// <summary>The README.md model cards of adapter/ and merged/, read as the Hugging Face Hub reads them: YAML front matter.</summary>
public class ModelCardTests
{
    [Fact]
    public void Adapter_and_merged_folders_carry_a_model_card_whose_front_matter_comes_from_the_run()
    {
        using var dir = new TempFolder();
        // The base model's own card states a licence: the tuned model's cards repeat it.
        var baseFolder = dir.Child("base-model");
        CopyFolder(Path.Combine(FixtureExperiment.Folder, "base"), baseFolder);
        File.WriteAllText(Path.Combine(baseFolder, "README.md"), "---\nlicense: apache-2.0\n---\n\n# a base model\n");
        var config = FixtureExperiment.Config(dir.Path, FixtureExperiment.WriteDataset(dir)) with
        {
            Model = new Lora.BaseModelSettings(baseFolder, IsBuiltIn: false, ModelType: "llama"),
            Evaluation = new Lora.EvaluationSettings([Lora.Metric.Perplexity], MaxNewTokens: 8),
        };
        var artifacts = dir.Child("artifacts");
        int Build() => new ExperimentHost(new RunnerOptions { ArtifactsRoot = artifacts }, new BuildProtocol(new StringWriter())).Run([config], [], default);
        Assert.Equal(0, Build());
        var paths = ExperimentPaths.For(artifacts, config);
        // Every score of the tuned model in eval.json (perplexity, and the eval loss beside it), by name.
        var tuned = JsonNode.Parse(File.ReadAllText(paths.Eval))!["tuned"]!.AsObject().ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<double>());
        Assert.Contains("Perplexity", tuned.Keys);
        var run = JsonNode.Parse(File.ReadAllText(paths.Run))!;
        string dataHash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(config.Dataset.Path))).ToLowerInvariant();

        foreach (var (folder, library) in new[] { (paths.Adapter, "peft"), (paths.Merged, "transformers") })
        {
            var card = File.ReadAllText(Path.Combine(folder, "README.md"));
            var front = FrontMatter(card);

            Assert.Equal("base-model", Scalar(front, "base_model"));
            Assert.Equal(library, Scalar(front, "library_name"));
            Assert.Equal("apache-2.0", Scalar(front, "license"));
            Assert.Equal(["train.jsonl"], Sequence(front, "datasets").Select(n => ((YamlScalarNode)n).Value!));
            Assert.Contains("lora", Sequence(front, "tags").Select(n => ((YamlScalarNode)n).Value));
            Assert.Contains("perplexity", Sequence(front, "metrics").Select(n => ((YamlScalarNode)n).Value));
            var index = (YamlMappingNode)Sequence(front, "model-index").Single();
            Assert.Equal(config.FullName, Scalar(index, "name"));
            var result = (YamlMappingNode)Sequence(index, "results").Single();
            var metrics = Sequence(result, "metrics").Cast<YamlMappingNode>()
                .ToDictionary(m => Scalar(m, "name"), m => double.Parse(Scalar(m, "value"), System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(tuned.Keys.Order(), metrics.Keys.Order());
            foreach (var (name, value) in tuned) Assert.Equal(value, metrics[name], 6);
            Assert.Equal("perplexity", Scalar(Sequence(result, "metrics").Cast<YamlMappingNode>().Single(m => Scalar(m, "name") == "Perplexity"), "type"));

            // The body: settings, the data's hash, the lineage, and how to load it.
            Assert.Contains($"sha256 `{dataHash}`", card);
            Assert.Contains($"fingerprint `{run["fingerprint"]}`", card);
            Assert.Contains("| LoRA rank, alpha, dropout | 8, 16, 0 |", card);
            Assert.Contains("LoraChatClient", card);
            Assert.Contains(library == "peft" ? "PeftModel.from_pretrained" : "AutoModelForCausalLM.from_pretrained(\"path/to/merged\")", card);
        }

        // A card lost (deleted by hand, or written by an older SDK) comes back with the next build, which trains nothing.
        var adapterCard = Path.Combine(paths.Adapter, "README.md");
        var expected = File.ReadAllText(adapterCard);
        File.Delete(adapterCard);
        Assert.Equal(0, Build());
        Assert.Equal(expected, File.ReadAllText(adapterCard));
    }

    static YamlMappingNode FrontMatter(string card)
    {
        Assert.StartsWith("---\n", card);
        int end = card.IndexOf("\n---\n", 4, StringComparison.Ordinal);
        Assert.True(end > 0, "the front matter has no closing ---");
        var yaml = new YamlStream();
        yaml.Load(new StringReader(card[4..(end + 1)]));
        return (YamlMappingNode)yaml.Documents.Single().RootNode;
    }

    static string Scalar(YamlMappingNode map, string key) => ((YamlScalarNode)map.Children[new YamlScalarNode(key)]).Value!;

    static IReadOnlyList<YamlNode> Sequence(YamlMappingNode map, string key) => ((YamlSequenceNode)map.Children[new YamlScalarNode(key)]).Children.ToList();

    static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }
}
