extern alias gen;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Lora.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using DiagnosticDescriptors = gen::Lora.Generators.Diagnostics.DiagnosticDescriptors;
using DiagnosticHelp = gen::Lora.Generators.Diagnostics.DiagnosticHelp;
using DiagnosticIds = gen::Lora.Generators.Diagnostics.DiagnosticIds;

namespace Lora.Generators.Tests.Diagnostics;

/// <summary>
/// Every diagnostic ID in the code (the generator's DiagnosticIds, and every LORA1xxx the runtime, the task and the SDK's
/// targets raise) has its page docs/diagnostics/ID.md, and every place that raises one links that page.
/// </summary>
public class DiagnosticPagesTests
{
    static readonly Regex BuildCode = new(@"\bLORA1\d{3}\b", RegexOptions.CultureInvariant);

    [Fact]
    public void Every_diagnostic_id_in_the_code_has_a_page_saying_what_it_means_an_example_and_the_fix()
    {
        var ids = GeneratorIds().Concat(BuildIds()).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Contains("LORA0001", ids);
        Assert.Contains("LORA1050", ids);

        var missing = ids.Where(id => !File.Exists(Page(id))).ToList();
        Assert.True(missing.Count == 0, "no page in docs/diagnostics for " + string.Join(", ", missing));
        foreach (var id in ids)
        {
            var page = File.ReadAllText(Page(id));
            Assert.StartsWith($"# {id}: ", page);
            foreach (var section in new[] { "## What it means", "## Example", "## The fix" })
                Assert.True(page.Contains(section, StringComparison.Ordinal), $"{id}.md has no '{section}'");
        }
    }

    [Fact]
    public void Every_generator_diagnostic_links_its_page()
    {
        var descriptors = typeof(DiagnosticDescriptors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => f.GetValue(null)).OfType<DiagnosticDescriptor>().ToList();

        Assert.Equal(GeneratorIds().Order(StringComparer.Ordinal), descriptors.Select(d => d.Id).Distinct().Order(StringComparer.Ordinal));
        Assert.All(descriptors, d => Assert.Equal(DiagnosticHelp.PagesUrl + d.Id + ".md", d.HelpLinkUri));
    }

    [Fact]
    public void The_help_links_are_the_repositorys_pages_and_every_error_of_the_sdks_targets_has_one()
    {
        // One repository: the packages' RepositoryUrl (Directory.Build.props) is where the links point.
        var repository = XDocument.Load(Path.Combine(RepoPaths.Root, "Directory.Build.props")).Descendants("RepositoryUrl").Single().Value;
        Assert.Equal(DiagnosticHelp.PagesUrl, repository + "/blob/main/docs/diagnostics/");

        var props = XDocument.Load(Path.Combine(RepoPaths.Root, "sdk", "Lora.Sdk", "build", "Lora.Sdk.props"));
        Assert.Equal(DiagnosticHelp.PagesUrl, props.Descendants("_LoraDiagnosticsHelpUrl").Single().Value);
        var errors = Directory.GetFiles(Path.Combine(RepoPaths.Root, "sdk", "Lora.Sdk", "build"), "*.targets")
            .SelectMany(f => XDocument.Load(f).Descendants().Where(e => e.Name.LocalName is "Error" or "Warning" && e.Attribute("Code") is not null))
            .ToList();
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.Equal("$(_LoraDiagnosticsHelpUrl)" + e.Attribute("Code")!.Value + ".md", e.Attribute("HelpLink")?.Value));
    }

    static string Page(string id) => Path.Combine(RepoPaths.Root, "docs", "diagnostics", id + ".md");

    /// <summary>The generator's IDs: every constant of DiagnosticIds that is one.</summary>
    static IEnumerable<string> GeneratorIds() =>
        typeof(DiagnosticIds).GetFields(BindingFlags.Public | BindingFlags.Static | BindingFlags.NonPublic)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).Where(v => Regex.IsMatch(v, @"^LORA\d{4}$"));

    /// <summary>The build's IDs: every LORA1xxx written in the runtime's, the task's and the SDK's sources.</summary>
    static IEnumerable<string> BuildIds() =>
        new[] { "runtime", "sdk" }.SelectMany(folder => Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, folder), "*", SearchOption.AllDirectories))
            .Where(f => Path.GetExtension(f) is ".cs" or ".targets" or ".props")
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .SelectMany(f => BuildCode.Matches(File.ReadAllText(f)).Select(m => m.Value));
}
