using Lora.Generators.Tests.Infrastructure;

namespace Lora.Generators.Tests.Rules;

/// <summary>
/// LORA0048, 0049 and Revision's LORA0016: a base model named by id (<c>org/name</c>) is checked against the config.json
/// the build passes from the Hugging Face cache, filed by the id and revision its metadata names (LoraHubModel); a
/// folder of the project with that relative path wins.
/// </summary>
public sealed class HubModelRuleTests
{
    const string Commit = "0123456789abcdef0123456789abcdef01234567";
    const string Other = "89abcdef0123456789abcdef0123456789abcdef";

    /// <summary>Rows that fit GPT-2's 64 positions.</summary>
    const string Gpt2Rows = "[Dataset(\"data/train.jsonl\", Format = DatasetFormat.Alpaca, MaxLength = 64)]";

    /// <summary>The project with the snapshot config.json of <paramref name="id"/> at <paramref name="revision"/>, as the SDK's task passes it.</summary>
    static TestProject WithCachedModel(TestProject project, string id, string revision, string config, string commit = Commit)
    {
        var path = $"hub/models--{id.Replace("/", "--", StringComparison.Ordinal)}/snapshots/{commit}/config.json";
        return project.WithFile(path, config).WithFileMetadata(path, "LoraHubModel", id + "@" + revision);
    }

    [Fact]
    public void LORA0048_a_model_id_neither_a_folder_nor_in_the_cache_names_the_pull_command()
    {
        var run = new TestProject().Verify(Experiments.With("[BaseModel({|LORA0048:\"Qwen/Qwen2.5-0.5B-Instruct\"|})]"));
        var message = run.Single.GetMessage();
        Assert.Contains("neither a folder of the project (no '/src/App/Qwen/Qwen2.5-0.5B-Instruct/config.json')", message, StringComparison.Ordinal);
        Assert.Contains("at revision 'main'. Download it with `lora pull Qwen/Qwen2.5-0.5B-Instruct`", message, StringComparison.Ordinal);
    }

    [Fact]
    public void LORA0048_a_revision_the_cache_lacks_is_not_served_by_another_revision()
    {
        var run = WithCachedModel(new TestProject(), "org/tiny", "main", Fixtures.TinyLlamaConfig)
            .Verify(Experiments.With("[BaseModel({|LORA0048:\"org/tiny\"|}, Revision = \"v2\")]"));
        Assert.Contains("`lora pull org/tiny --revision v2`", run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void LORA0048_not_reported_for_a_model_id_whose_config_the_build_passed_from_the_cache()
    {
        // The config is read: a misspelled target is checked against the cached model's family.
        var run = WithCachedModel(new TestProject(), "org/tiny", "main", Fixtures.TinyLlamaConfig)
            .Verify(Experiments.With("[BaseModel(\"org/tiny\")]", "[LoraAdapter(Targets = new[] { {|LORA0043:\"q_prj\"|} })]"));
        Assert.Contains("does not exist in llama models (config.json of org/tiny@main)", run.Single.GetMessage(), StringComparison.Ordinal);

        new TestProject().Verify(Experiments.With("[BaseModel(\"models/tiny-llama\")]"));
        var generated = WithCachedModel(new TestProject(), "org/tiny", "main", Fixtures.TinyLlamaConfig).Verify(Experiments.With("[BaseModel(\"org/tiny\")]"));
        Assert.Contains("Revision: \"main\"", generated.Generated("App.Demo.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_chat_dataset_on_a_cached_model_is_not_warned_about_a_missing_template()
    {
        // The generator is given the snapshot's config.json only: whether the model has a template is the runtime's to see,
        // not a LORA0070 on every cached instruct model.
        var run = WithCachedModel(new TestProject(), "org/tiny", "main", Fixtures.TinyLlamaConfig)
            .Verify(Experiments.With("[BaseModel(\"org/tiny\")]", "[Dataset(\"data/chat.jsonl\", Format = DatasetFormat.Chat, MaxLength = 128)]"));
        Assert.DoesNotContain(run.Lora, d => d.Id == "LORA0070");
    }

    [Fact]
    public void LORA0048_not_reported_when_the_revision_picks_its_own_snapshot()
    {
        // main is a Llama, v2 a GPT-2: v2's modules are GPT-2's.
        var project = WithCachedModel(WithCachedModel(new TestProject(), "org/tiny", "main", Fixtures.TinyLlamaConfig), "org/tiny", "v2", Fixtures.TinyGpt2Config, Other);
        var run = project.Verify(Experiments.With("[BaseModel(\"org/tiny\", Revision = \"v2\")]", Gpt2Rows, "[LoraAdapter(Targets = new[] { {|LORA0043:\"q_proj\"|} })]"));
        Assert.Contains("does not exist in gpt2 models (config.json of org/tiny@v2)", run.Single.GetMessage(), StringComparison.Ordinal);
        var generated = WithCachedModel(WithCachedModel(new TestProject(), "org/tiny", "main", Fixtures.TinyLlamaConfig), "org/tiny", "v2", Fixtures.TinyGpt2Config, Other)
            .Verify(Experiments.With("[BaseModel(\"org/tiny\", Revision = \"v2\")]", Gpt2Rows, "[LoraAdapter(Targets = new[] { \"c_attn\" })]"));
        Assert.Contains("Revision: \"v2\"", generated.Generated("App.Demo.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void LORA0048_not_reported_for_revisions_that_resolve_to_one_snapshot()
    {
        // main and its commit hash: the build passes the one config.json once, with both values.
        const string Path = "hub/models--org--tiny/snapshots/" + Commit + "/config.json";
        TestProject Project() => new TestProject().WithFile(Path, Fixtures.TinyLlamaConfig).WithFileMetadata(Path, "LoraHubModel", "org/tiny@main|org/tiny@" + Commit);
        Project().Verify(Experiments.With("[BaseModel(\"org/tiny\")]"));
        Project().Verify(Experiments.With($"[BaseModel(\"org/tiny\", Revision = \"{Commit}\")]"));
    }

    [Fact]
    public void LORA0048_not_reported_for_a_folder_of_the_project_spelled_like_a_model_id_which_wins_over_the_cache()
    {
        // The project's org/tiny is a GPT-2; the cache's org/tiny a Llama: the folder is used.
        var project = WithCachedModel(new TestProject().WithFile("org/tiny/config.json", Fixtures.TinyGpt2Config), "org/tiny", "main", Fixtures.TinyLlamaConfig);
        var run = project.Verify(Experiments.With("[BaseModel(\"org/tiny\")]", Gpt2Rows, "[LoraAdapter(Targets = new[] { {|LORA0043:\"q_proj\"|} })]"));
        Assert.Contains("does not exist in gpt2 models (org/tiny/config.json)", run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[BaseModel(\"org/tiny\", {|LORA0049:Revision = \"../main\"|})]", "its parts between slashes must be names")]
    [InlineData("[BaseModel(\"org/tiny\", {|LORA0049:Revision = \"\"|})]", "it is empty")]
    [InlineData("[BaseModel(\"org/tiny\", {|LORA0049:Revision = \"a\\\\b\"|})]", "which no branch or tag name can")]
    public void LORA0049_a_revision_that_cannot_name_a_branch_tag_or_commit(string line, string reason)
    {
        var run = WithCachedModel(new TestProject(), "org/tiny", "main", Fixtures.TinyLlamaConfig).Verify(Experiments.With(line));
        Assert.Contains(reason, run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("refs/pr/1")]
    [InlineData(Commit)]
    [InlineData("v1.0")]
    public void LORA0049_not_reported_for_branches_tags_pull_requests_and_commits(string revision)
    {
        WithCachedModel(new TestProject(), "org/tiny", revision, Fixtures.TinyLlamaConfig)
            .Verify(Experiments.With($"[BaseModel(\"org/tiny\", Revision = \"{revision}\")]"));
    }

    [Theory]
    [InlineData("[BaseModel(\"models/tiny-llama\", {|LORA0016:Revision = \"v2\"|})]", "'models/tiny-llama' is a folder")]
    [InlineData("[BaseModel(\"lora-tiny-en\", {|LORA0016:Revision = \"v2\"|})]", "a built-in model has one version")]
    public void LORA0016_a_revision_of_a_folder_or_built_in_model_has_no_effect(string line, string reason)
    {
        var run = new TestProject().Verify(Experiments.With(line));
        Assert.Contains(reason, run.Single.GetMessage(), StringComparison.Ordinal);
    }
}
