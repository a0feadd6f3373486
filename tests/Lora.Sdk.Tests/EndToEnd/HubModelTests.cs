using System.Text.Json.Nodes;
using Lora.HubTesting;
using Lora.Sdk.Tests.Infrastructure;

namespace Lora.Sdk.Tests.EndToEnd;

/// <summary>
/// A base model named by id, end to end: `lora pull` fills a Hugging Face cache laid out as Python's from a hub on the
/// loopback interface, and then another process, `dotnet build` with HF_HUB_OFFLINE=1 and the hub gone, compiles
/// [BaseModel("org/tiny-llama")] against the cached config.json and trains from the cached snapshot, recording its commit.
/// </summary>
[Collection(SdkCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class HubModelTests(PackedSdk sdk)
{
    [Fact]
    public void A_model_pulled_with_lora_pull_trains_through_dotnet_build_offline_in_another_process()
    {
        string cache = Path.Combine(sdk.Root, "hub-cache");
        var variables = new Dictionary<string, string>
        {
            ["HF_HUB_CACHE"] = cache,
            ["HF_HOME"] = Path.Combine(sdk.Root, "hf-home"),   // no token file of the machine's
            ["HF_TOKEN"] = "",
        };
        string commit;
        using (var hub = new LoopbackHub())
        {
            commit = hub.Add("org/tiny-llama").Commit(LoopbackHub.FilesOf(sdk.TextModel));
            var pull = DotNetCli.Run(sdk.Root, variables, TimeSpan.FromMinutes(5), LoraProgram.Path(), "pull", "org/tiny-llama", "--endpoint", hub.Endpoint).ShouldSucceed();
            string snapshot = Path.Combine(cache, "models--org--tiny-llama", "snapshots", commit);
            Assert.Contains(snapshot, pull.Output);
            Assert.Equal(commit, File.ReadAllText(Path.Combine(cache, "models--org--tiny-llama", "refs", "main")));
            Assert.Equal("../../blobs/" + LoopbackHub.Sha256(File.ReadAllBytes(Path.Combine(sdk.TextModel, "model.safetensors"))),
                new FileInfo(Path.Combine(snapshot, "model.safetensors")).LinkTarget);
        }

        var project = sdk.NewProject("HubTrain");
        project.Write("data/train.jsonl", string.Concat(Enumerable.Range(0, 12).Select(i => new JsonObject { ["text"] = $"the cat sat on mat number {i}." }.ToJsonString() + "\n")));
        project.Write("Experiment.cs", """
            using Lora;

            namespace HubTrain;

            [Experiment("hub-train")]
            [BaseModel("org/tiny-llama")]
            [Dataset("data/train.jsonl", MaxLength = 32)]
            [Training(MaxSteps = 3, BatchSize = 4, LoggingSteps = 1)]
            public partial record Tuned;
            """);

        // The hub is gone and downloads are off: everything comes from the cache.
        var offline = new Dictionary<string, string>(variables) { ["HF_HUB_OFFLINE"] = "1", ["HF_ENDPOINT"] = "http://127.0.0.1:9" };
        project.BuildWith(offline).ShouldSucceed().ShouldSay("hub-train: training").ShouldNotSay("pulling base model");

        Assert.True(File.Exists(project.AdapterFile("hub-train")));
        var run = JsonNode.Parse(project.Read("artifacts/lora/hub-train/run.json"))!["base_model"]!;
        Assert.Equal(("org/tiny-llama", "main", commit), (run["source"]!.GetValue<string>(), run["revision"]!.GetValue<string>(), run["commit"]!.GetValue<string>()));

        // A model id the cache lacks, offline: the build stops before compiling, naming the command that fetches it.
        project.Replace("Experiment.cs", "org/tiny-llama", "org/absent");
        project.BuildWith(offline).ShouldFail().ShouldSay("LORA1014", "Download it with `lora pull org/absent`");
    }
}
