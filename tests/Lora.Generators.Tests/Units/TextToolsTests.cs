extern alias gen;
using EditDistance = gen::Lora.Generators.Common.EditDistance;
using ProjectPath = gen::Lora.Generators.Common.ProjectPath;
using TemplateParser = gen::Lora.Generators.Resolving.TemplateParser;
using VariantNamer = gen::Lora.Generators.Resolving.VariantNamer;

namespace Lora.Generators.Tests.Units;

/// <summary>The generator's small text tools: suggestions, paths, templates and variant names.</summary>
public sealed class TextToolsTests
{
    [Theory]
    [InlineData("q_proj", "q_proj", 0)]
    [InlineData("q_prj", "q_proj", 1)]
    [InlineData("q_porj", "q_proj", 1)]
    [InlineData("gate-proj", "gate_proj", 1)]
    [InlineData("", "abc", 3)]
    [InlineData("attention", "o_proj", 8)]
    public void Edit_distance_counts_edits_and_adjacent_swaps(string a, string b, int distance)
    {
        Assert.Equal(distance, EditDistance.Between(a, b));
    }

    [Theory]
    [InlineData("Q_PROJ", "q_proj")]
    [InlineData("v_prj", "v_proj")]
    [InlineData("down_prjo", "down_proj")]
    [InlineData("attention", null)]
    [InlineData("xyz", null)]
    public void Suggestions_only_for_likely_typos(string found, string? suggestion)
    {
        var names = new[] { "q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj" };
        Assert.Equal(suggestion, EditDistance.Suggest(found, names));
    }

    [Theory]
    [InlineData("/src/App", "data/train.jsonl", "/src/App/data/train.jsonl")]
    [InlineData("/src/App/", "./data/../data/train.jsonl", "/src/App/data/train.jsonl")]
    [InlineData("/src/App", "/abs/train.jsonl", "/abs/train.jsonl")]
    [InlineData("C:\\repo\\App", "data\\train.jsonl", "C:/repo/App/data/train.jsonl")]
    [InlineData("C:\\repo\\App", "..\\..\\x.jsonl", "C:/x.jsonl")]
    public void Paths_resolve_against_the_project_directory(string directory, string path, string resolved)
    {
        Assert.Equal(resolved, ProjectPath.Resolve(directory, path));
    }

    [Fact]
    public void Drive_letter_paths_compare_ignoring_case()
    {
        Assert.True(ProjectPath.SameFile("C:/Repo/a.json", "c:/repo/A.json"));
        Assert.False(ProjectPath.SameFile("/repo/a.json", "/repo/A.json"));
    }

    [Fact]
    public void Templates_yield_placeholders_and_keep_escaped_braces()
    {
        Assert.Null(TemplateParser.Parse("{{literal}} {Subject}: {Body} {Subject}", out var placeholders));
        Assert.Equal(new[] { "Subject", "Body", "Subject" }, placeholders);
    }

    [Theory]
    [InlineData("{Subject", "an unclosed '{' at position 1")]
    [InlineData("Subject}", "a '}' without '{' at position 8")]
    [InlineData("{}", "a placeholder '{}' at position 1 that is not a property name")]
    [InlineData("{1st}", "a placeholder '{1st}' at position 1 that is not a property name")]
    public void Malformed_templates_say_where(string template, string error)
    {
        Assert.Equal(error, TemplateParser.Parse(template, out _));
    }

    [Theory]
    [InlineData("LearningRate", "learning-rate")]
    [InlineData("Rank", "rank")]
    [InlineData("UseRsLora", "use-rs-lora")]
    [InlineData("DType", "d-type")]
    [InlineData("GradientAccumulation", "gradient-accumulation")]
    public void Setting_names_become_kebab_case(string name, string kebab)
    {
        Assert.Equal(kebab, VariantNamer.Kebab(name));
    }
}
