using Lora.Generators.Tests.Infrastructure;

namespace Lora.Generators.Tests;

/// <summary>Whole generated files against checked-in Snapshots/*.verified.cs.</summary>
public sealed class SnapshotTests
{
    [Fact]
    public void Minimal_experiment_writes_every_default()
    {
        var run = new TestProject().Verify(Samples.Minimal);
        Snapshot.Verify("Minimal", run.Generated("App.Hello.g.cs"));
    }

    [Fact]
    public void Issue_example_with_typed_rows_qlora_and_rank_sweep()
    {
        var run = new TestProject().WithRuntime().Verify(Samples.SpamFilter);
        Snapshot.Verify("SpamFilter", run.Generated("App.SpamFilter.g.cs"));
    }

    [Fact]
    public void Nested_record_struct_with_two_sweeps()
    {
        var run = new TestProject().WithChatTemplate("models/tiny-gpt2").WithRuntime().Verify(Samples.Gpt2Chat);
        Snapshot.Verify("Gpt2Chat", run.Generated("App.Experiments.Catalog.Gpt2Chat.g.cs"));
        // Where its attributes are (Config.Locations), in the same nesting: a part of its own.
        Snapshot.Verify("Gpt2Chat.Locations", run.Generated("App.Experiments.Catalog.Gpt2Chat.Locations.g.cs"));
    }

    [Fact]
    public void Create_chat_client_only_where_the_runtime_is_referenced()
    {
        Assert.Contains("CreateChatClient(", new TestProject().WithRuntime().Verify(Samples.Minimal).Generated("App.Hello.g.cs"));
        Assert.DoesNotContain("CreateChatClient", new TestProject().Verify(Samples.Minimal).Generated("App.Hello.g.cs"));
    }

    [Fact]
    public void Registry_lists_every_experiment_by_name()
    {
        var run = new TestProject()
            .WithChatTemplate("models/tiny-gpt2")
            .WithSource(Samples.SpamFilter)
            .WithSource(Samples.Minimal)
            .WithSource(Samples.Gpt2Chat)
            .Run();
        Assert.Empty(run.Lora);
        Assert.Empty(run.CompileErrors);
        Snapshot.Verify("Registry", run.Generated("Lora.Generated.LoraExperiments.g.cs"));
    }
}
