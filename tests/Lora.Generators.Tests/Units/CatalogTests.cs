extern alias gen;
using System.Reflection;
using Lora.Generators.Tests.Infrastructure;
using AttributeKind = gen::Lora.Generators.Parsing.AttributeKind;
using DiagnosticDescriptors = gen::Lora.Generators.Diagnostics.DiagnosticDescriptors;
using SettingCatalog = gen::Lora.Generators.Settings.SettingCatalog;
using SettingKind = gen::Lora.Generators.Parsing.SettingKind;
using SettingValue = gen::Lora.Generators.Parsing.SettingValue;
using SweepTarget = gen::Lora.Generators.Settings.SweepTarget;

namespace Lora.Generators.Tests.Units;

/// <summary>The generator's setting catalog and diagnostic list agree with Lora.Abstractions and the release notes.</summary>
public sealed class CatalogTests
{
    /// <summary>An instance of each experiment attribute, with its defaults.</summary>
    internal static readonly Dictionary<AttributeKind, Func<Attribute>> Attributes = new()
    {
        [AttributeKind.Experiment] = () => new Lora.ExperimentAttribute("x"),
        [AttributeKind.BaseModel] = () => new Lora.BaseModelAttribute("x"),
        [AttributeKind.LoraAdapter] = () => new Lora.LoraAdapterAttribute(),
        [AttributeKind.Quantize] = () => new Lora.QuantizeAttribute(),
        [AttributeKind.Dataset] = () => new Lora.DatasetAttribute("x"),
        [AttributeKind.TypedDataset] = () => new Lora.DatasetAttribute<object>("x"),
        [AttributeKind.Training] = () => new Lora.TrainingAttribute(),
        [AttributeKind.Evaluate] = () => new Lora.EvaluateAttribute(),
        [AttributeKind.Expect] = () => new Lora.ExpectAttribute(Lora.Metric.Perplexity),
        [AttributeKind.Merge] = () => new Lora.MergeAttribute(),
        [AttributeKind.Export] = () => new Lora.ExportAttribute(),
    };

    [Fact]
    public void Catalog_defaults_equal_the_attribute_defaults()
    {
        foreach (var definition in SettingCatalog.All.Where(d => d.Default.Kind != SettingKind.Null || d.Attribute != AttributeKind.Experiment))
        {
            if (definition.Name is "Name" or "Source" or "Path")
            {
                continue;
            }

            var attribute = Attributes[definition.Attribute]();
            var property = attribute.GetType().GetProperty(definition.Name);
            Assert.True(property is not null, definition.Display() + " has no attribute property.");
            Assert.Equal(Describe(property!.GetValue(attribute)), Describe(definition.Default));
        }
    }

    [Fact]
    public void Every_settable_attribute_property_is_in_the_catalog()
    {
        foreach (var (kind, create) in Attributes)
        {
            foreach (var property in create().GetType().GetProperties().Where(p => p.DeclaringType != typeof(Attribute)))
            {
                Assert.True(SettingCatalog.Find(kind, property.Name) is not null, $"[{kind}] {property.Name} is missing from the catalog.");
            }
        }
    }

    [Theory]
    [InlineData(nameof(AttributeKind.LoraAdapter), typeof(Lora.LoraSettings))]
    [InlineData(nameof(AttributeKind.Quantize), typeof(Lora.QuantizationSettings))]
    [InlineData(nameof(AttributeKind.Training), typeof(Lora.TrainingSettings))]
    [InlineData(nameof(AttributeKind.Merge), typeof(Lora.MergeSettings))]
    [InlineData(nameof(AttributeKind.Export), typeof(Lora.ExportSettings))]
    [InlineData(nameof(AttributeKind.Evaluate), typeof(Lora.EvaluationSettings))]
    [InlineData(nameof(AttributeKind.Expect), typeof(Lora.ExpectationSettings))]
    public void Catalog_sections_match_the_settings_records(string kind, Type record)
    {
        var parameters = record.GetConstructors().Single().GetParameters().Select(p => p.Name);
        Assert.Equal(parameters, SettingCatalog.For(Enum.Parse<AttributeKind>(kind)).Select(d => d.Name));
    }

    [Fact]
    public void Sweepable_names_are_unambiguous_apart_from_the_two_dataset_attributes()
    {
        foreach (var name in SweepTarget.Names)
        {
            var attributes = SweepTarget.Find(name).Select(d => d.Attribute).Where(a => a != AttributeKind.TypedDataset).Distinct();
            Assert.Single(attributes);
        }
    }

    [Fact]
    public void Every_diagnostic_is_in_the_release_notes_with_its_category_and_severity()
    {
        var notes = File.ReadAllText(Path.Combine(RepoPaths.Root, "generators", "Lora.Generators", "AnalyzerReleases.Unshipped.md"));
        var descriptors = typeof(DiagnosticDescriptors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (Microsoft.CodeAnalysis.DiagnosticDescriptor)f.GetValue(null)!)
            .ToList();
        Assert.Equal(descriptors.Count, descriptors.Select(d => d.Id).Distinct().Count());
        foreach (var descriptor in descriptors)
        {
            Assert.Contains($"{descriptor.Id} | {descriptor.Category} | {descriptor.DefaultSeverity} |", notes, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_diagnostic_has_tests()
    {
        var tests = string.Concat(Directory.GetFiles(Path.Combine(RepoPaths.TestProject, "Rules"), "*.cs").Select(File.ReadAllText));
        var missing = new List<string>();
        foreach (var field in typeof(DiagnosticDescriptors).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var id = ((Microsoft.CodeAnalysis.DiagnosticDescriptor)field.GetValue(null)!).Id;
            var positive = System.Text.RegularExpressions.Regex.IsMatch(tests, "public (async Task|void) " + id + "_(?!not_reported)");
            if (!positive)
            {
                missing.Add(id + " has no positive test");
            }

            if (!tests.Contains("public void " + id + "_not_reported", StringComparison.Ordinal))
            {
                missing.Add(id + " has no negative test");
            }
        }

        Assert.Empty(missing);
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        SettingValue { Kind: SettingKind.Null } => "null",
        SettingValue { Kind: SettingKind.Enum } v => v.Text!,
        SettingValue { Kind: SettingKind.Array } v => "[" + string.Join(",", v.Elements.Select(e => e.Text)) + "]",
        SettingValue v => v.IsNumeric ? v.AsDouble.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : v.Kind == SettingKind.Bool ? v.AsBool.ToString() : v.Text!,
        Array a => "[" + string.Join(",", a.Cast<object>()) + "]",
        Enum e => e.ToString(),
        bool b => b.ToString(),
        IConvertible c when value is not string => Convert.ToDouble(c, System.Globalization.CultureInfo.InvariantCulture).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };
}
