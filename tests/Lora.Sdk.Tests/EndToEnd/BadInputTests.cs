using Lora.Sdk.Tests.Infrastructure;

namespace Lora.Sdk.Tests.EndToEnd;

/// <summary>Bad inputs fail the build with an error that names the cause; a second build of a busy project waits, saying why.</summary>
[Collection(SdkCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class BadInputTests(PackedSdk sdk)
{
    static readonly TimeSpan LineWait = TimeSpan.FromMinutes(5);

    [Fact]
    public void A_missing_base_model_folder_fails_the_build_naming_the_folder()
    {
        var project = Project("MissingModel", "models/not-there");

        project.Build().ShouldFail().ShouldSay("error LORA", "models/not-there", "config.json");
    }

    [Fact]
    public void A_corrupt_safetensors_file_fails_the_build_naming_the_file()
    {
        var project = Project("CorruptWeights", "models/broken");
        foreach (var file in Directory.GetFiles(sdk.TextModel))
            File.Copy(file, project.Path("models", "broken", Path.GetFileName(file)).EnsureFolder());
        File.WriteAllBytes(project.Path("models", "broken", "model.safetensors"), [0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0, 0, (byte)'{']);

        project.Build().ShouldFail().ShouldSay("error LORA1001", "model.safetensors");
    }

    [Fact]
    public void A_dataset_line_that_does_not_parse_fails_the_build_naming_the_line()
    {
        var project = Project("BadLine", sdk.TextModel);
        project.Write("data/train.jsonl", Rows(2) + "{\"text\": \"unterminated}\n" + Rows(20));

        project.Build().ShouldFail().ShouldSay("error LORA", "Line 3 of 'data/train.jsonl'");
    }

    [Fact]
    public void A_dataset_line_past_the_compile_time_check_fails_when_training_naming_the_line()
    {
        var project = Project("LateBadLine", sdk.TextModel);
        project.Write("data/train.jsonl", Rows(29) + "{\"text\": \"unterminated}\n");

        // Logged at the line itself (file(line,column): error …), under the dataset code, so the IDE's error list opens it.
        project.Build().ShouldFail().ShouldSay("train.jsonl(30,", "error LORA1050", "train.jsonl:30:");
    }

    [Fact]
    public void A_chat_row_the_models_template_refuses_fails_the_build_naming_the_line()
    {
        // A model folder outside the project, listed by its config.json only: its chat_template.jinja comes along.
        var model = System.IO.Path.Combine(sdk.Root, "models", "tiny-llama-chat");
        foreach (var file in Directory.GetFiles(sdk.TextModel))
            File.Copy(file, System.IO.Path.Combine(model, System.IO.Path.GetFileName(file)).EnsureFolder(), overwrite: true);
        File.WriteAllText(System.IO.Path.Combine(model, "chat_template.jinja"),
            "{% for m in messages %}{% if m['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}{{ m['content'] }}{% endfor %}");
        var project = Project("ChatRefused", model);
        project.Replace("Experiment.cs", @"MaxLength = 64", "Format = DatasetFormat.Chat, MaxLength = 64");
        project.Write("data/train.jsonl", """
            {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
            {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]}

            """);

        project.Build("-p:LoraTrainOnBuild=false").ShouldFail().ShouldSay("error LORA0072", "Line 2 of 'data/train.jsonl'", "System role not supported");
    }

    [Fact]
    public void An_artifacts_folder_that_cannot_be_written_fails_the_build_naming_the_folder()
    {
        // A file where a folder must go: unwritable even for root, for whom permission bits do not count.
        var project = Project("Unwritable", sdk.TextModel);
        project.Write("blocker", "a file, not a folder");
        string artifacts = project.Path("blocker", "lora");

        project.Build("-p:LoraArtifactsDir=" + artifacts).ShouldFail().ShouldSay("error LORA1005", artifacts);
    }

    [Fact]
    public void A_second_build_of_a_training_project_waits_for_the_first_and_resumes_after_it_is_cancelled()
    {
        // Far more steps than can finish before the interrupt, at the tiny model's full speed (~200 steps/s) with a
        // report every step: the runner writes at most a few progress lines a second, so the build's logging cannot
        // back up into the training loop (a line per step once stalled the first build at step ~3,000 under load).
        var project = Project("Concurrent", sdk.TextModel, "MaxSteps = 200000, BatchSize = 2, LoggingSteps = 1");
        // Restored and compiled once without training, so the second build reaches the experiment lock within seconds.
        project.Build("-p:LoraTrainOnBuild=false").ShouldSucceed();

        using var first = project.StartBuild();
        Assert.True(first.WaitForLine(l => BuildLog.Step(l, "concurrent") >= 1, LineWait) is not null, "the first build did not start training:\n" + first.Output);
        using var second = project.StartBuild();
        Assert.True(second.WaitForLine(l => l.Contains("another build holds", StringComparison.Ordinal), LineWait) is not null,
            "the second build did not wait for the first:\n" + second.Output);

        // Ctrl+C on the first: it checkpoints and stops; the second then takes over from that checkpoint.
        first.Interrupt();
        first.WaitForExit(LineWait).ShouldFail().ShouldSay("cancelled; the last checkpoint is kept", "warning LORA1003");
        Assert.True(second.WaitForLine(l => l.Contains("concurrent: resuming from step-", StringComparison.Ordinal), LineWait) is not null,
            "the second build did not resume after the first stopped:\n" + second.Output);
        second.KillTree();
    }

    ScratchProject Project(string name, string baseModel, string training = "MaxSteps = 2, BatchSize = 2, LoggingSteps = 1")
    {
        var outside = Path.IsPathRooted(baseModel);
        var project = sdk.NewProject(name, outside ? $"""  <ItemGroup><AdditionalFiles Include="{baseModel}/config.json" /></ItemGroup>""" : "");
        project.Write("Experiment.cs", $$"""
            using Lora;

            namespace Checks;

            [Experiment("{{name.ToLowerInvariant()}}")]
            [BaseModel("{{baseModel}}")]
            [Dataset("data/train.jsonl", MaxLength = 64)]
            [Training({{training}})]
            public partial record Checked;
            """);
        project.Write("data/train.jsonl", Rows(24));
        return project;
    }

    static string Rows(int count) =>
        string.Concat(Enumerable.Range(1, count).Select(i => $"{{\"text\": \"Example {i}: a short sentence to learn from.\"}}\n"));
}

