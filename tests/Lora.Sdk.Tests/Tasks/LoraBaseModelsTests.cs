using Lora.HubTesting;
using Lora.Sdk.Tasks;
using Lora.Sdk.Tests.Infrastructure;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Lora.Sdk.Tests.Tasks;

/// <summary>
/// Before the compiler: LoraBaseModels finds the [BaseModel("org/name")] ids of the sources, pulls those the Hugging Face
/// cache lacks from a hub on the loopback interface, and hands each snapshot's config.json to the generator with the id
/// and revision as metadata; a cached model is not downloaded again, a folder of the project wins, and offline a missing
/// model is an error naming the `lora pull` command.
/// </summary>
public sealed class LoraBaseModelsTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("lora-hub-task-").FullName;
    readonly LoopbackHub _hub = new();
    readonly string _commit;

    public LoraBaseModelsTests()
    {
        _commit = _hub.Add("org/tiny").Commit(LoopbackHub.FilesOf(RepoPaths.Fixture("tiny-llama", "base")), "v2");
    }

    string Cache => Path.Combine(_folder, "hub");

    string Project => Path.Combine(_folder, "project");

    (LoraBaseModels Task, RecordingBuildEngine Engine, bool Succeeded) Run(string source, bool download = true, bool offline = false)
    {
        Directory.CreateDirectory(Project);
        File.WriteAllText(Path.Combine(Project, "Experiments.cs"), source);
        var engine = new RecordingBuildEngine();
        var task = new LoraBaseModels
        {
            BuildEngine = engine, Sources = [new TaskItem(Path.Combine(Project, "Experiments.cs"))], ProjectDirectory = Project,
            HubCache = Cache, HubEndpoint = _hub.Endpoint, Download = download, Offline = offline ? "true" : "false",
        };
        bool succeeded = task.Execute();
        return (task, engine, succeeded);
    }

    const string Experiment = """
        using Lora;

        [Experiment("demo")]
        [BaseModel("org/tiny", Revision = "v2")]
        [Dataset("data/train.jsonl")]
        public partial record Demo;
        """;

    [Fact]
    public void A_missing_model_is_pulled_and_its_config_handed_to_the_generator_and_a_cached_one_is_not_pulled_again()
    {
        var (task, engine, succeeded) = Run(Experiment);

        Assert.True(succeeded, string.Join("\n", engine.Errors.Select(e => e.Message)));
        var config = Assert.Single(task.ConfigFiles);
        Assert.Equal(Path.Combine(Cache, "models--org--tiny", "snapshots", _commit, "config.json"), config.ItemSpec);
        Assert.Equal("org/tiny@v2", config.GetMetadata("LoraHubModel"));
        Assert.Contains(engine.HighMessages, m => m.StartsWith($"Lora.Sdk: pulling base model org/tiny@v2 from {_hub.Endpoint}", StringComparison.Ordinal));
        Assert.Single(_hub.RequestsTo("/cdn/"));

        int requests = _hub.Requests.Count;
        var (again, _, _) = Run(Experiment);
        Assert.Equal(config.ItemSpec, Assert.Single(again.ConfigFiles).ItemSpec);
        Assert.Equal(requests, _hub.Requests.Count);
    }

    [Fact]
    public void Revisions_that_resolve_to_one_snapshot_hand_its_config_over_once_with_both_names()
    {
        var (task, engine, succeeded) = Run($$"""
            [BaseModel("org/tiny", Revision = "v2")] record A;
            [BaseModel("org/tiny", Revision = "{{_commit}}")] record B;
            """);

        Assert.True(succeeded, string.Join("\n", engine.Errors.Select(e => e.Message)));
        Assert.Equal($"org/tiny@v2|org/tiny@{_commit}", Assert.Single(task.ConfigFiles).GetMetadata("LoraHubModel"));
        Assert.Single(_hub.RequestsTo("/api/models/"));
    }

    [Fact]
    public void Offline_a_missing_model_is_an_error_that_names_the_pull_command_and_a_cached_one_is_used()
    {
        var (_, engine, succeeded) = Run(Experiment, offline: true);

        Assert.False(succeeded);
        var error = Assert.Single(engine.Errors);
        Assert.Equal("LORA1014", error.Code);
        Assert.Equal((Path.Combine(Project, "Experiments.cs"), 4), (error.File, error.LineNumber));
        Assert.Contains("Download it with `lora pull org/tiny --revision v2` where the hub can be reached (HF_HUB_OFFLINE is set here", error.Message);
        Assert.Empty(_hub.Requests);

        PythonLayoutCache.Write(Cache, "org/tiny", "v2", _commit, LoopbackHub.FilesOf(RepoPaths.Fixture("tiny-llama", "base")));
        var (task, offlineEngine, cached) = Run(Experiment, offline: true);
        Assert.True(cached, string.Join("\n", offlineEngine.Errors.Select(e => e.Message)));
        Assert.Equal("org/tiny@v2", Assert.Single(task.ConfigFiles).GetMetadata("LoraHubModel"));
        Assert.Empty(_hub.Requests);
    }

    [Fact]
    public void Without_downloads_a_missing_model_is_left_to_the_generator_to_report()
    {
        var (task, engine, succeeded) = Run(Experiment, download: false);

        Assert.True(succeeded);
        Assert.Empty(task.ConfigFiles);
        Assert.Empty(engine.Errors);
        Assert.Empty(_hub.Requests);
    }

    [Fact]
    public void A_folder_of_the_project_a_path_and_a_built_in_model_are_not_looked_up()
    {
        Directory.CreateDirectory(Path.Combine(Project, "org", "tiny"));
        var (task, engine, succeeded) = Run("""
            [BaseModel("org/tiny", Revision = "v2")] record A;
            [BaseModel("models/x/y")] record B;
            [BaseModel("lora-tiny-en")] record C;
            // [BaseModel("org/commented-out")]
            """);

        Assert.True(succeeded, string.Join("\n", engine.Errors.Select(e => e.Message)));
        Assert.Empty(task.ConfigFiles);
        Assert.Empty(_hub.Requests);
    }

    [Fact]
    public void A_model_the_hub_does_not_have_is_an_error_naming_the_id_and_revision()
    {
        var (_, engine, succeeded) = Run("""[BaseModel("org/absent", Revision = "v1")] record A;""");

        Assert.False(succeeded);
        var error = Assert.Single(engine.Errors);
        Assert.Equal("LORA1015", error.Code);
        Assert.Contains($"model org/absent (revision v1) was not found on {_hub.Endpoint}", error.Message);
        Assert.Contains($"(As a folder of the project, 'org/absent' would be {Path.Combine(Project, "org/absent")}, which does not exist; a model folder holds config.json", error.Message);
    }

    [Theory]
    [InlineData("[BaseModel(\"org/a\")]", "org/a", "main")]
    [InlineData("[Lora.BaseModel(@\"org/a\", Revision = \"v1\")]", "org/a", "v1")]
    [InlineData("[BaseModelAttribute(\"org/a\",\n    Revision = @\"refs/pr/1\")]", "org/a", "refs/pr/1")]
    [InlineData("[Experiment(\"x\"), BaseModel( \"org/a\" )]", "org/a", "main")]
    public void The_attribute_is_found_however_it_is_written(string text, string source, string revision) =>
        Assert.Equal([(source, revision, 1)], BaseModelReferences.Scan(text));

    public void Dispose()
    {
        _hub.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
