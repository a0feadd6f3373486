using Lora.Generators.CodeFixes;
using Lora.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace Lora.Generators.Tests;

/// <summary>Code fixes, driven by the Roslyn code-fix test framework with offline references.</summary>
public sealed class CodeFixTests
{
    private const string Attributes = """
        using Lora;

        namespace App;

        [Experiment("demo")]
        [BaseModel("models/tiny-llama")]
        [Dataset("data/train.jsonl", Format = DatasetFormat.Alpaca, MaxLength = 128)]
        """;

    [Fact]
    public async Task Missing_partial_is_added_to_the_record()
    {
        await Verify<AddPartialModifierCodeFix>(
            Attributes + "\npublic sealed record {|LORA0001:Demo|};\n",
            Attributes + "\npublic sealed partial record Demo;\n");
    }

    [Fact]
    public async Task Missing_partial_is_added_before_the_keyword_without_other_modifiers()
    {
        await Verify<AddPartialModifierCodeFix>(
            Attributes + "\nrecord {|LORA0001:Demo|};\n",
            Attributes + "\npartial record Demo;\n");
    }

    [Fact]
    public async Task Missing_partial_is_added_to_the_enclosing_class()
    {
        const string Nested = """
            using Lora;

            public static class {|LORA0001:Outer|}
            {
                [Experiment("demo")]
                [BaseModel("models/tiny-llama")]
                [Dataset("data/train.jsonl", Format = DatasetFormat.Alpaca, MaxLength = 128)]
                public partial record Demo;
            }
            """;
        await Verify<AddPartialModifierCodeFix>(Nested, Nested.Replace("public static class {|LORA0001:Outer|}", "public static partial class Outer", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Misspelled_target_module_is_replaced_by_the_suggestion()
    {
        await Verify<UseSuggestedNameCodeFix>(
            Attributes + "\n[LoraAdapter(Targets = new[] { {|LORA0043:\"q_prj\"|}, \"v_proj\" })]\npublic partial record Demo;\n",
            Attributes + "\n[LoraAdapter(Targets = new[] { \"q_proj\", \"v_proj\" })]\npublic partial record Demo;\n");
    }

    [Fact]
    public async Task Every_misspelled_target_is_fixed()
    {
        await Verify<UseSuggestedNameCodeFix>(
            Attributes + "\n[LoraAdapter(Targets = [{|LORA0043:\"q_prj\"|}, {|LORA0043:\"v_porj\"|}, {|LORA0043:\"gate-proj\"|}])]\npublic partial record Demo;\n",
            Attributes + "\n[LoraAdapter(Targets = [\"q_proj\", \"v_proj\", \"gate_proj\"])]\npublic partial record Demo;\n");
    }

    [Fact]
    public async Task Misspelled_sweep_setting_is_replaced_by_the_suggestion()
    {
        await Verify<UseSuggestedNameCodeFix>(
            Attributes + "\n[Sweep({|LORA0030:\"LearningRte\"|}, 1e-4, 2e-4)]\npublic partial record Demo;\n",
            Attributes + "\n[Sweep(\"LearningRate\", 1e-4, 2e-4)]\npublic partial record Demo;\n");
    }

    [Fact]
    public async Task Target_without_a_close_name_offers_no_fix()
    {
        var source = Attributes + "\n[LoraAdapter(Targets = new[] { {|LORA0043:\"attention\"|} })]\npublic partial record Demo;\n";
        await Verify<UseSuggestedNameCodeFix>(source, source);
    }

    private static async Task Verify<TFix>(string source, string fixedSource)
        where TFix : CodeFixProvider, new()
    {
        var test = new CSharpCodeFixTest<GeneratorDiagnosticAnalyzer, TFix, DefaultVerifier>
        {
            TestCode = source,
            FixedCode = fixedSource,
            ReferenceAssemblies = new ReferenceAssemblies("net10.0"),
        };
        foreach (var state in new[] { test.TestState, test.FixedState })
        {
            state.AdditionalReferences.AddRange(References.All);
            state.AnalyzerConfigFiles.Add(("/.globalconfig", "is_global = true\nbuild_property.MSBuildProjectDirectory = /0\n"));
            state.AdditionalFiles.Add(("/0/models/tiny-llama/config.json", Fixtures.TinyLlamaConfig));
            state.AdditionalFiles.Add(("/0/data/train.jsonl", Fixtures.AlpacaJsonl));
        }

        await test.RunAsync();
    }
}
