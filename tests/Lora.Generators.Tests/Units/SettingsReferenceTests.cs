extern alias gen;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Lora.Generators.Tests.Infrastructure;
using AttributeNames = gen::Lora.Generators.Parsing.AttributeNames;
using SettingCatalog = gen::Lora.Generators.Settings.SettingCatalog;
using SettingDefinition = gen::Lora.Generators.Settings.SettingDefinition;
using SettingKind = gen::Lora.Generators.Parsing.SettingKind;

namespace Lora.Generators.Tests.Units;

/// <summary>
/// docs/settings.md lists every setting of every attribute with its default and meaning: rendered from the generator's
/// catalog (names, defaults) and the attributes' documentation, so the page cannot drift from the code. On a difference the
/// rendered page is written beside it as settings.received.md.
/// </summary>
public sealed class SettingsReferenceTests
{
    private const string Begin = "<!-- settings:begin (rendered by SettingsReferenceTests) -->", End = "<!-- settings:end -->";

    [Fact]
    public void The_settings_page_lists_every_setting_with_the_catalogs_default()
    {
        var path = Path.Combine(RepoPaths.Root, "docs", "settings.md");
        var page = File.ReadAllText(path);
        int begin = page.IndexOf(Begin, StringComparison.Ordinal), end = page.IndexOf(End, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"{path} has no {Begin} … {End} block.");
        var rendered = page[..(begin + Begin.Length)] + "\n" + Render() + page[end..];
        if (rendered != page) File.WriteAllText(Path.ChangeExtension(path, ".received.md"), rendered);
        Assert.True(rendered == page, $"{path} differs from the catalog; the rendered page is in settings.received.md beside it.");
    }

    private static string Render()
    {
        var docs = XDocument.Load(Path.ChangeExtension(typeof(Lora.ExperimentConfig).Assembly.Location, ".xml"));
        var text = new StringBuilder();
        foreach (var group in SettingCatalog.All.GroupBy(d => d.Attribute).OrderBy(g => g.Key))
        {
            text.Append("\n### `[").Append(AttributeNames.Display(group.Key, "TRow")).Append("]`\n\n| setting | default | what |\n| --- | --- | --- |\n");
            foreach (var definition in group)
                text.Append("| `").Append(definition.Name).Append("` | ").Append(Default(definition)).Append(" | ")
                    .Append(Summary(docs, CatalogTests.Attributes[group.Key]().GetType(), definition.Name)).Append(" |\n");
        }
        return text.Append('\n').ToString();
    }

    private static string Default(SettingDefinition definition) =>
        definition.Default.Kind == SettingKind.Null || (definition.Default.Kind == SettingKind.Double && double.IsNaN(definition.Default.AsDouble))
            ? "(none)"
            : "`" + definition.Default.Display() + "`";

    /// <summary>The property's summary from Lora.Abstractions' documentation file, on one line, as Markdown.</summary>
    private static string Summary(XDocument docs, Type attribute, string property)
    {
        var declaring = attribute.GetProperty(property)!.DeclaringType!;
        var id = "P:" + (declaring.IsGenericType ? declaring.GetGenericTypeDefinition().FullName : declaring.FullName) + "." + property;
        var summary = docs.Descendants("member").SingleOrDefault(m => (string?)m.Attribute("name") == id)?.Element("summary")
            ?? throw new InvalidOperationException($"{id} has no <summary> in Lora.Abstractions' documentation.");
        var line = string.Concat(summary.Nodes().Select(n => n switch
        {
            XText t => t.Value,
            XElement { Name.LocalName: "c" } c => "`" + c.Value + "`",
            XElement { Name.LocalName: "see" } see => "`" + Reference(see) + "`",
            XElement e => e.Value,
            _ => "",
        }));
        return Regex.Replace(line, @"\s+", " ").Trim().Replace("|", "\\|");
    }

    /// <summary>A &lt;see&gt;'s text: the referenced name's last part (MaxSteps, LrSchedule) or the keyword.</summary>
    private static string Reference(XElement see) =>
        (string?)see.Attribute("cref") is { } cref ? cref[(cref.LastIndexOf('.') + 1)..] : (string?)see.Attribute("langword") ?? see.Value;
}
