using Lora.Runtime.Experiments;
using Lora.Runtime.Models;
using Lora.Runtime.Native;
using Lora.Runtime.Tests.Cli;
using Lora.Runtime.Tests.Experiments;

namespace Lora.Runtime.Tests.Export;

/// <summary>
/// [Export(Gguf = …)]: the build writes model.gguf beside the merged model, a stage of its own: current on the next build,
/// redone alone when its type changes or its file is damaged; the file is the merged model as llama.cpp runs it.
/// </summary>
public class GgufExportStageTests
{
    public GgufExportStageTests() => TorchNative.EnsureLoaded();

    [Fact]
    public void The_build_writes_the_merged_model_as_gguf_and_redoes_only_what_changed()
    {
        using var dir = new TempFolder();
        var baseFolder = dir.CopyOf(Path.Combine(FixtureExperiment.Folder, "base"), "base");
        // This base has 256 rows: the small tokenizer's byte tokens alone, without its merges.
        SmallByteLevelTokenizer.WriteTo(baseFolder);
        var vocab = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(baseFolder, "vocab.json")))!.AsObject();
        File.WriteAllText(Path.Combine(baseFolder, "vocab.json"),
            new System.Text.Json.Nodes.JsonObject(vocab.Where(p => p.Value!.GetValue<int>() < 256).Select(p => KeyValuePair.Create(p.Key, (System.Text.Json.Nodes.JsonNode?)p.Value!.DeepClone()))).ToJsonString());
        File.WriteAllText(Path.Combine(baseFolder, "merges.txt"), "#version: 0.2\n");
        var config = FixtureExperiment.Config(dir.Path, FixtureExperiment.WriteDataset(dir)) with
        {
            Model = new BaseModelSettings(baseFolder, IsBuiltIn: false, ModelType: "llama"),
            Export = new ExportSettings(GgufType.F32),
        };
        var artifacts = dir.Child("artifacts");
        var paths = ExperimentPaths.For(artifacts, config);
        string Build(ExperimentConfig c)
        {
            var output = new StringWriter();
            Assert.Equal(0, new ExperimentHost(new RunnerOptions { ArtifactsRoot = artifacts }, new BuildProtocol(output)).Run([c], [], default));
            return output.ToString();
        }

        Assert.Contains($"exporting f32 GGUF to {paths.Gguf}", Build(config));
        Assert.Equal(Path.GetDirectoryName(paths.Merged), Path.GetDirectoryName(paths.Gguf));
        using (var merged = ModelLoader.Load(paths.Merged))
        using (var llama = new LlamaCppModel(paths.Gguf))
        {
            var parity = GgufParity.Compare(merged, llama, GgufParity.Prompt, adapter: null);
            Assert.True(parity.SameIds, parity.ToString());
        }
        Assert.Contains($"{config.FullName}: up to date", Build(config));

        var q8 = config with { Export = new ExportSettings(GgufType.Q8_0) };
        var log = Build(q8);
        Assert.Contains("exporting q8_0 GGUF", log);
        Assert.DoesNotContain($"{config.FullName}: training", log);
        Assert.DoesNotContain($"{config.FullName}: merging", log);

        File.WriteAllBytes(paths.Gguf, "GGML"u8.ToArray());
        log = Build(q8);
        Assert.Contains($"the export stage's output is damaged ({paths.Gguf} is not a GGUF v3 file)", log);
        Assert.Contains("exporting q8_0 GGUF", log);
        Assert.Null(StageArtifacts.Problem(paths, StageRecord.Export));
    }
}
