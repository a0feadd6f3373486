using System.Text.Json.Nodes;
using Lora.HubTesting;
using Lora.Runtime.Experiments;
using Lora.Runtime.Hub;
using Lora.Runtime.Models;
using Lora.Runtime.Tests.Experiments;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Hub;

/// <summary>
/// Model ids through the Hugging Face cache Python uses: a cache written in huggingface_hub's layout (blobs, relative
/// snapshot links, refs) by the test is found by id and revision, by the runtime's [BaseModel] and fingerprint; a folder
/// of the same relative path wins; the cache is where the variables say, as in huggingface_hub's constants.py.
/// </summary>
public sealed class HubCacheTests
{
    const string Main = "1111111111111111111111111111111111111111", V2 = "2222222222222222222222222222222222222222";
    static readonly HubModelId Tiny = HubModelId.TryParse("org/tiny")!;

    static Dictionary<string, byte[]> TinyLlama() => LoopbackHub.FilesOf(RepoPaths.Fixture("tiny-llama", "base"));

    [Fact]
    public void A_model_in_a_cache_written_in_pythons_layout_is_found_by_id_and_revision()
    {
        using var dir = new TempFolder();
        var files = TinyLlama();
        string main = PythonLayoutCache.Write(dir.Path, "org/tiny", "main", Main, files);
        var renamed = new Dictionary<string, byte[]>(files) { ["config.json"] = "{\"model_type\": \"llama\"}"u8.ToArray() };
        string v2 = PythonLayoutCache.Write(dir.Path, "org/tiny", "refs/pr/2", V2, renamed);
        var cache = new HubCache(dir.Path);

        Assert.Equal(new HubSnapshot(Tiny, "main", Main, main), cache.Find(Tiny, "main"));
        Assert.Equal(V2, cache.Find(Tiny, "refs/pr/2")!.Commit);
        Assert.Equal(v2, cache.Find(Tiny, V2)!.Folder);           // a commit hash needs no ref
        Assert.Null(cache.Find(Tiny, "v3"));
        Assert.Null(cache.Find(HubModelId.TryParse("org/other")!, "main"));
        // The snapshot reads as a model folder through its links.
        Assert.Equal("llama", ModelConfig.Load(Path.Combine(main, "config.json")).ModelType);
        Assert.Equal(files["model.safetensors"], File.ReadAllBytes(Path.Combine(main, "model.safetensors")));
    }

    [Fact]
    public void A_snapshot_without_its_weights_is_not_used_and_the_message_names_the_pull_command()
    {
        using var dir = new TempFolder();
        var files = TinyLlama();
        files.Remove("model.safetensors");
        PythonLayoutCache.Write(dir.Path, "org/tiny", "v1", Main, files);
        var cache = new HubCache(dir.Path);

        Assert.Null(HubModelLookup.Find(cache, Tiny, "v1", offline: false, out var incomplete));
        Assert.Contains("is incomplete: it lacks model.safetensors. Download it with `lora pull org/tiny --revision v1`", incomplete);
        Assert.Null(HubModelLookup.Find(cache, Tiny, "main", offline: true, out var missing));
        Assert.Contains($"org/tiny (revision main) is not in the Hugging Face cache at {dir.Path}. Download it with `lora pull org/tiny` where the hub can be reached (HF_HUB_OFFLINE is set here", missing);
    }

    [Fact]
    public void The_variables_name_the_cache_endpoint_token_and_offline_mode_as_huggingface_hub_does()
    {
        using var dir = new TempFolder();
        HubEnvironment Of(params (string Name, string Value)[] variables) =>
            HubEnvironment.From(name => variables.FirstOrDefault(v => v.Name == name).Value);
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

        Assert.Equal(Path.Combine(home, ".cache", "huggingface", "hub"), Of().CacheDirectory);
        Assert.Equal(Path.Combine("/x", "huggingface", "hub"), Of(("XDG_CACHE_HOME", "/x")).CacheDirectory);
        Assert.Equal(Path.Combine("/h", "hub"), Of(("HF_HOME", "/h"), ("XDG_CACHE_HOME", "/x")).CacheDirectory);
        Assert.Equal("/c", Of(("HF_HUB_CACHE", "/c"), ("HF_HOME", "/h")).CacheDirectory);
        Assert.Equal(Path.Combine(home, "c"), Of(("HF_HUB_CACHE", "~/c")).CacheDirectory);

        Assert.Equal("https://huggingface.co", Of().Endpoint);
        Assert.Equal("http://127.0.0.1:8080", Of(("HF_ENDPOINT", "http://127.0.0.1:8080/")).Endpoint);

        Assert.Null(Of(("HF_HOME", dir.Path)).Token);
        File.WriteAllText(dir.Child("token"), "hf_from_file\n");
        Assert.Equal(("hf_from_file", dir.Child("token")), (Of(("HF_HOME", dir.Path)).Token, Of(("HF_HOME", dir.Path)).TokenSource));
        Assert.Equal(("hf_from_variable", "HF_TOKEN"), (Of(("HF_HOME", dir.Path), ("HF_TOKEN", "hf_from_variable")).Token, Of(("HF_HOME", dir.Path), ("HF_TOKEN", "hf_from_variable")).TokenSource));
        Assert.DoesNotContain("hf_from_variable", Of(("HF_TOKEN", "hf_from_variable")).ToString());

        foreach (var on in new[] { "1", "ON", "yes", "True" }) Assert.True(Of(("HF_HUB_OFFLINE", on)).Offline, on);
        foreach (var off in new[] { "0", "false", "" }) Assert.False(Of(("HF_HUB_OFFLINE", off)).Offline, off);
        Assert.True(Of(("TRANSFORMERS_OFFLINE", "1")).Offline);
    }

    [Theory]
    [InlineData("Qwen/Qwen2.5-0.5B-Instruct", "models--Qwen--Qwen2.5-0.5B-Instruct")]
    [InlineData("meta-llama/Llama-3.2-1B", "models--meta-llama--Llama-3.2-1B")]
    [InlineData("a_b/c.d", "models--a_b--c.d")]
    public void A_model_id_names_its_cache_folder_as_huggingface_hub_does(string id, string folder) =>
        Assert.Equal(folder, HubModelId.TryParse(id)!.CacheFolderName);

    [Theory]
    [InlineData("gpt2")]                 // no organization: a built-in model's spelling
    [InlineData("models/x/y")]
    [InlineData("../models/x")]
    [InlineData("/abs/path")]
    [InlineData("org/-name")]
    [InlineData("org/na--me")]
    [InlineData("org/na..me")]
    [InlineData("org/name.git")]
    [InlineData("org\\name")]
    public void What_is_no_model_id_is_refused(string text) => Assert.Null(HubModelId.TryParse(text));

    [Fact]
    public void A_model_id_resolves_through_the_cache_and_a_folder_of_that_path_wins()
    {
        using var dir = new TempFolder();
        string snapshot = PythonLayoutCache.Write(dir.Child("hub"), "org/tiny", "main", Main, TinyLlama());
        var hub = HubEnvironment.From(name => name == "HF_HUB_CACHE" ? dir.Child("hub") : null);
        var config = FixtureExperiment.Config(dir.Child("project"), "train.jsonl") with { Model = new Lora.BaseModelSettings("org/tiny", false, "llama") };

        var located = BaseModelLocator.Locate(config, hub);
        Assert.Equal(new BaseModelLocation(snapshot, new HubSnapshot(Tiny, "main", Main, snapshot)), located);

        var missing = Assert.Throws<ModelLoadException>(() => BaseModelLocator.Locate(config with { Model = config.Model with { Revision = "v9" } }, hub));
        Assert.Contains("there is no folder", missing.Message);
        Assert.Contains("Download it with `lora pull org/tiny --revision v9`", missing.Message);

        dir.CopyOf(RepoPaths.Fixture("tiny-llama", "base"), Path.Combine("project", "org", "tiny"));
        Assert.Equal(new BaseModelLocation(dir.Child("project", "org", "tiny")), BaseModelLocator.Locate(config, hub));
    }

    [Fact]
    public void The_commit_a_revision_resolves_to_is_part_of_the_fingerprint()
    {
        using var dir = new TempFolder();
        var files = TinyLlama();
        string a = PythonLayoutCache.Write(dir.Path, "org/tiny", "main", Main, files);
        string b = PythonLayoutCache.Write(dir.Path, "org/tiny", null, V2, files);
        var config = FixtureExperiment.Config(dir.Path, FixtureExperiment.WriteDataset(dir)) with { Model = new Lora.BaseModelSettings("org/tiny", false, "llama") };
        string Fingerprint(string folder, string commit) =>
            ExperimentFingerprint.Compute(config, new BaseModelLocation(folder, new HubSnapshot(Tiny, "main", commit, folder)), ScalarType.Float32);

        // The same bytes at another commit: main moved.
        Assert.NotEqual(Fingerprint(a, Main), Fingerprint(b, V2));
        Assert.Equal(Fingerprint(a, Main), Fingerprint(a, Main));
    }

    [Fact]
    public async Task An_experiment_on_a_model_id_trains_from_the_cache_and_records_the_commit_in_its_lineage()
    {
        using var dir = new TempFolder();
        PythonLayoutCache.Write(dir.Child("hub"), "org/tiny", "main", Main, TinyLlama());
        using var variables = new HubVariables(dir.Child("hub"), offline: true);
        var config = FixtureExperiment.Config(dir.Path, FixtureExperiment.WriteDataset(dir)) with { Model = new Lora.BaseModelSettings("org/tiny", false, "llama") };

        var result = await new ExperimentRunner(new RunnerOptions { ArtifactsRoot = dir.Child("artifacts") }).TrainAsync(config, null, default);

        var run = JsonNode.Parse(File.ReadAllText(ExperimentPaths.For(dir.Child("artifacts"), config).Run))!["base_model"]!;
        Assert.Equal(("org/tiny", "main", Main), (run["source"]!.GetValue<string>(), run["revision"]!.GetValue<string>(), run["commit"]!.GetValue<string>()));
        var adapter = JsonNode.Parse(File.ReadAllText(Path.Combine(result.AdapterDirectory, "adapter_config.json")))!;
        Assert.Equal(("org/tiny", Main), (adapter["base_model_name_or_path"]!.GetValue<string>(), adapter["revision"]!.GetValue<string>()));
    }
}
