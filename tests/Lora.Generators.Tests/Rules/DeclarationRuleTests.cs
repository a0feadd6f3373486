using Lora.Generators.Tests.Infrastructure;

namespace Lora.Generators.Tests.Rules;

/// <summary>LORA0001–0007: the experiment's declaration and required attributes.</summary>
public sealed class DeclarationRuleTests
{
    private const string Attributes = """
        [Experiment("demo")]
        [BaseModel("models/tiny-llama")]
        [Dataset("data/train.jsonl", Format = DatasetFormat.Alpaca, MaxLength = 128)]
        """;

    [Fact]
    public void LORA0001_record_without_partial_is_reported_on_its_name()
    {
        var run = new TestProject().Verify("using Lora;\n" + Attributes + "\npublic record {|LORA0001:Demo|};\n");
        Assert.Contains("'partial record Demo'", run.Single.GetMessage());
        Assert.DoesNotContain(run.Driver.GetRunResult().GeneratedTrees, t => t.FilePath.EndsWith("Demo.g.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void LORA0001_enclosing_type_without_partial_is_reported_on_its_name()
    {
        new TestProject().Verify("using Lora;\npublic static class {|LORA0001:Outer|}\n{\n" + Attributes + "\npublic partial record Demo;\n}\n");
    }

    [Fact]
    public void LORA0001_not_reported_for_partial_record_in_partial_class()
    {
        new TestProject().Verify("using Lora;\npublic static partial class Outer\n{\n" + Attributes + "\ninternal partial record Demo;\n}\n");
    }

    [Theory]
    [InlineData("public partial class {|LORA0002:Demo|} { }")]
    [InlineData("public partial record {|LORA0002:Demo|}<T>;")]
    [InlineData("public partial class Outer { private partial record {|LORA0002:Demo|}; }")]
    [InlineData("public partial class Outer<T> { public partial record {|LORA0002:Demo|}; }")]
    public void LORA0002_experiment_on_a_type_that_cannot_hold_it(string declaration)
    {
        var nested = declaration.StartsWith("public partial class Outer", StringComparison.Ordinal);
        var source = nested
            ? "using Lora;\n" + declaration.Replace("{ ", "{\n" + Attributes + "\n", StringComparison.Ordinal)
            : "using Lora;\n" + Attributes + "\n" + declaration + "\n";
        new TestProject().Verify(source);
    }

    [Theory]
    [InlineData("public partial record struct Demo;")]
    [InlineData("internal sealed partial record Demo(int Id);")]
    public void LORA0002_not_reported_for_records_and_record_structs(string declaration)
    {
        new TestProject().Verify("using Lora;\n" + Attributes + "\n" + declaration + "\n");
    }

    [Fact]
    public void LORA0003_duplicate_names_are_reported_on_both_names()
    {
        var source = """
            using Lora;
            [Experiment({|LORA0003:"demo"|})]
            [BaseModel("lora-tiny-en")]
            [Dataset("data/text.jsonl")]
            public partial record First;
            [Experiment({|LORA0003:"demo"|})]
            [BaseModel("lora-tiny-en")]
            [Dataset("data/text.jsonl")]
            public partial record Second;
            """;
        var run = new TestProject().Verify(source);
        Assert.Contains(run.Lora, d => d.GetMessage().Contains("also used by 'Second'", StringComparison.Ordinal));
    }

    [Fact]
    public void LORA0003_not_reported_for_distinct_names()
    {
        var source = """
            using Lora;
            [Experiment("first")]
            [BaseModel("lora-tiny-en")]
            [Dataset("data/text.jsonl")]
            public partial record First;
            [Experiment("second")]
            [BaseModel("lora-tiny-en")]
            [Dataset("data/text.jsonl")]
            public partial record Second;
            """;
        new TestProject().Verify(source);
    }

    [Theory]
    [InlineData("\"Spam Filter\"", "e.g. 'spam-filter'")]
    [InlineData("\"SpamFilter\"", "has upper-case letters")]
    [InlineData("\"\"", "is empty")]
    [InlineData("\"-demo\"", "starts with '-'")]
    [InlineData("\"demo/v2\"", "contains '/'")]
    public void LORA0004_invalid_experiment_name(string name, string messagePart)
    {
        var run = new TestProject().Verify(Experiments.With("[Experiment({|LORA0004:" + name + "|})]"));
        Assert.Contains(messagePart, run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("spam-filter")]
    [InlineData("run.v2_1")]
    [InlineData("7b-chat")]
    public void LORA0004_not_reported_for_valid_names(string name)
    {
        new TestProject().Verify(Experiments.With("[Experiment(\"" + name + "\")]"));
    }

    [Fact]
    public void LORA0005_missing_base_model_is_reported_on_the_experiment_attribute()
    {
        new TestProject().Verify(Experiments.Without("BaseModel", "[{|LORA0005:Experiment(\"demo\")|}]"));
    }

    [Fact]
    public void LORA0006_missing_dataset_is_reported_on_the_experiment_attribute()
    {
        new TestProject().Verify(Experiments.Without("Dataset", "[{|LORA0006:Experiment(\"demo\")|}]"));
    }

    [Theory]
    [InlineData("[BaseModel(\"models/tiny-llama\")]")]
    [InlineData("[BaseModel(\"lora-tiny-en\")]")]
    public void LORA0005_not_reported_with_a_base_model(string baseModel)
    {
        new TestProject().Verify(Experiments.With(baseModel));
    }

    [Theory]
    [InlineData("[Dataset(\"data/train.jsonl\", Format = DatasetFormat.Alpaca, MaxLength = 128)]")]
    [InlineData("[Dataset<Email>(\"data/mail.jsonl\", Completion = \" {Label}\", MaxLength = 128)]")]
    public void LORA0006_not_reported_with_a_dataset(string dataset)
    {
        new TestProject().Verify(Experiments.With(dataset));
    }

    [Fact]
    public void LORA0007_both_dataset_attributes_are_reported_on_the_typed_one()
    {
        new TestProject().Verify(Experiments.With().Replace(
            "public partial record Demo;",
            "[{|LORA0007:Dataset<Email>(\"data/mail.jsonl\", Completion = \" {Label}\")|}]\npublic partial record Demo;",
            StringComparison.Ordinal));
    }

    [Fact]
    public void LORA0007_not_reported_for_a_typed_dataset_alone()
    {
        new TestProject().Verify(Experiments.With("[Dataset<Email>(\"data/mail.jsonl\", Completion = \" {Label}\", MaxLength = 128)]"));
    }
}
