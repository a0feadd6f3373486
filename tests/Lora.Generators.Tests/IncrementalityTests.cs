extern alias gen;
using Lora.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using TrackingNames = gen::Lora.Generators.TrackingNames;

namespace Lora.Generators.Tests;

/// <summary>The pipeline's steps stay cached when nothing they read changed.</summary>
public sealed class IncrementalityTests
{
    private static readonly string[] Steps =
    {
        TrackingNames.ExperimentSpecs,
        TrackingNames.ResolvedExperiments,
        TrackingNames.ExperimentModels,
        TrackingNames.ExperimentDiagnostics,
        TrackingNames.RegistryEntries,
        TrackingNames.ReferencedPaths,
        TrackingNames.ProjectFiles,
        TrackingNames.BuildOptions,
        TrackingNames.ChatClientRuntime,
    };

    [Fact]
    public void Unrelated_edit_leaves_every_step_cached()
    {
        var project = new TestProject().WithRuntime().WithSource(Samples.SpamFilter).WithSource("namespace App; public static class Helpers { }");
        var first = project.Compilation();
        var driver = project.Driver().RunGenerators(first);

        var helpers = first.SyntaxTrees.Last();
        var edited = first.ReplaceSyntaxTree(helpers, helpers.WithChangedText(helpers.GetText().Replace(0, 0, "// an unrelated edit\n")));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (var step in Steps)
        {
            AssertAll(result, step, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
        }

        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void Moving_the_experiment_reports_anew_but_does_not_re_emit()
    {
        var project = new TestProject().WithSource(Samples.SpamFilter);
        var first = project.Compilation();
        var driver = project.Driver().RunGenerators(first);

        var tree = first.SyntaxTrees.Single();
        var moved = first.ReplaceSyntaxTree(tree, tree.WithChangedText(tree.GetText().Replace(0, 0, "\n\n")));
        var result = driver.RunGenerators(moved).GetRunResult().Results.Single();

        AssertAll(result, TrackingNames.ExperimentSpecs, IncrementalStepRunReason.Modified);
        AssertAll(result, TrackingNames.ResolvedExperiments, IncrementalStepRunReason.Modified);
        AssertAll(result, TrackingNames.ExperimentModels, IncrementalStepRunReason.Unchanged);
        // The attributes' lines (Config.Locations) are a part of their own: it alone is written again.
        AssertAll(result, TrackingNames.ExperimentLocations, IncrementalStepRunReason.Modified);
        AssertAll(result, TrackingNames.RegistryEntries, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void Editing_a_setting_re_emits_only_that_experiment()
    {
        var project = new TestProject().WithSource(Samples.SpamFilter).WithSource(Samples.Minimal);
        var first = project.Compilation();
        var driver = project.Driver().RunGenerators(first);

        var tree = first.SyntaxTrees.First();
        var text = tree.GetText().ToString();
        var edited = first.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(text.Replace("Rank = 8", "Rank = 16", StringComparison.Ordinal))));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var reasons = result.TrackedSteps[TrackingNames.ExperimentModels].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        Assert.Contains(IncrementalStepRunReason.Modified, reasons);
        Assert.Contains(IncrementalStepRunReason.Cached, reasons);
    }

    [Fact]
    public void Changing_a_dataset_file_re_resolves()
    {
        var project = new TestProject().WithSource(Samples.SpamFilter);
        var compilation = project.Compilation();
        var driver = project.Driver().RunGenerators(compilation);

        var mail = project.AdditionalTexts().Single(t => t.Path.EndsWith("/data/mail.jsonl", StringComparison.Ordinal));
        var changed = new InMemoryAdditionalText(mail.Path, Fixtures.Lines("""{"subject": "a", "body": "b"}"""));
        var run = driver.ReplaceAdditionalText(mail, changed).RunGenerators(compilation).GetRunResult();

        AssertAll(run.Results.Single(), TrackingNames.ResolvedExperiments, IncrementalStepRunReason.Modified);
        AssertAll(run.Results.Single(), TrackingNames.ExperimentModels, IncrementalStepRunReason.Unchanged);
        Assert.Contains(run.Diagnostics, d => d.Id == "LORA0052");
    }

    [Fact]
    public void Files_the_experiments_do_not_name_are_never_read()
    {
        var project = new TestProject().WithSource(Samples.SpamFilter);
        var unread = new UnreadableText(Fixtures.ProjectDirectory + "/models/tiny-llama/tokenizer.json");
        var driver = project.Driver().AddAdditionalTexts([unread]);
        var result = driver.RunGenerators(project.Compilation()).GetRunResult();
        Assert.Empty(result.Diagnostics);
        Assert.Null(result.Results.Single().Exception);
    }

    [Fact]
    public void A_chat_template_is_parsed_once_while_the_experiment_changes()
    {
        var project = new TestProject().WithChatTemplate("models/tiny-gpt2").WithSource(Samples.Gpt2Chat);
        var first = project.Compilation();
        var driver = project.Driver().RunGenerators(first);

        var tree = first.SyntaxTrees.Single();
        var text = tree.GetText().ToString();
        var edited = first.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(text.Replace("MaxLength = 64", "MaxLength = 32", StringComparison.Ordinal))));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertAll(result, TrackingNames.ResolvedExperiments, IncrementalStepRunReason.Modified);
        AssertAll(result, TrackingNames.ChatTemplates, IncrementalStepRunReason.Cached);
    }

    [Fact]
    public void Changing_a_chat_template_parses_it_again_and_re_resolves()
    {
        var project = new TestProject().WithChatTemplate("models/tiny-gpt2").WithSource(Samples.Gpt2Chat);
        var compilation = project.Compilation();
        var driver = project.Driver().RunGenerators(compilation);

        var template = project.AdditionalTexts().Single(t => t.Path.EndsWith("/models/tiny-gpt2/chat_template.jinja", StringComparison.Ordinal));
        var changed = new InMemoryAdditionalText(template.Path, "{{ raise_exception('no chat here') }}");
        var run = driver.ReplaceAdditionalText(template, changed).RunGenerators(compilation).GetRunResult();

        AssertAll(run.Results.Single(), TrackingNames.ChatTemplates, IncrementalStepRunReason.Modified);
        AssertAll(run.Results.Single(), TrackingNames.ExperimentModels, IncrementalStepRunReason.Unchanged);
        Assert.Contains(run.Diagnostics, d => d.Id == "LORA0072" && d.GetMessage().Contains("no chat here", StringComparison.Ordinal));
    }

    private static void AssertAll(GeneratorRunResult result, string step, params IncrementalStepRunReason[] allowed)
    {
        var outputs = result.TrackedSteps[step].SelectMany(s => s.Outputs).ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o => Assert.True(allowed.Contains(o.Reason), $"Step {step} output was {o.Reason}; expected {string.Join(" or ", allowed)}."));
    }
}

/// <summary>An AdditionalFiles entry that fails the test if anything reads it.</summary>
internal sealed class UnreadableText(string path) : AdditionalText
{
    /// <inheritdoc/>
    public override string Path { get; } = path;

    /// <inheritdoc/>
    public override Microsoft.CodeAnalysis.Text.SourceText GetText(CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException(Path + " was read although no experiment refers to it.");
}
