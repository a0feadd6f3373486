extern alias gen;
using JsonKind = gen::Lora.Generators.Json.JsonKind;
using JsonReader = gen::Lora.Generators.Json.JsonReader;
using ModelConfigReader = gen::Lora.Generators.Files.ModelConfigReader;
using Lora.Generators.Tests.Infrastructure;

namespace Lora.Generators.Tests.Units;

/// <summary>The generator's JSON reader and config.json reading.</summary>
public sealed class JsonReaderTests
{
    [Fact]
    public void Parses_objects_arrays_strings_numbers_and_literals()
    {
        var result = JsonReader.Parse("""{"a": [1, -2.5e3, true, false, null], "b": "x\"\u00e9\n", "c": {}}""");
        var root = Assert.IsType<gen::Lora.Generators.Json.JsonNode>(result.Value);
        Assert.Equal(JsonKind.Object, root.Kind);
        var a = root.Get("a")!;
        Assert.Equal(5, a.Items.Count);
        Assert.True(a.Items[0].IsInteger);
        Assert.Equal(-2500, a.Items[1].Number);
        Assert.False(a.Items[1].IsInteger);
        Assert.Equal("x\"é\n", root.Get("b")!.Text);
        Assert.Equal(JsonKind.Object, root.Get("c")!.Kind);
        Assert.Null(root.Get("B"));
        Assert.NotNull(root.Get("B", ignoreCase: true));
    }

    [Theory]
    [InlineData("{\"a\": 1,}", "expected a member name in double quotes", 9)]
    [InlineData("{\"a\" 1}", "expected ':' after the member name", 6)]
    [InlineData("[1 2]", "expected ',' or ']'", 4)]
    [InlineData("{'a': 1}", "expected a member name in double quotes", 2)]
    [InlineData("{\"a\": tru}", "unexpected 't', expected a value", 7)]
    [InlineData("{\"a\": 1} x", "unexpected 'x' after the value", 10)]
    [InlineData("{\"a\": \"b", "unterminated string (the text ends early)", 9)]
    [InlineData("", "unexpected end of text, expected a value", 1)]
    [InlineData("{\"a\": 01.}", "expected digits after '.'", 10)]
    public void Errors_name_the_problem_and_column(string json, string error, int column)
    {
        var result = JsonReader.Parse(json);
        Assert.Null(result.Value);
        Assert.Equal(error, result.Error);
        Assert.Equal(column, result.Column);
    }

    [Fact]
    public void Reads_llama_sizes_from_the_fixture()
    {
        var config = ModelConfigReader.Read(Fixtures.TinyLlamaConfig);
        Assert.Null(config.Error);
        Assert.Equal(new Lora.ModelDimensions("llama", 512, 64, 2, 160, 4, 2, 16, false, 128).ToString(), config.Dimensions!.ToString());
    }

    [Fact]
    public void Reads_gpt2_sizes_with_its_own_key_names()
    {
        var config = ModelConfigReader.Read(Fixtures.TinyGpt2Config);
        Assert.Null(config.Error);
        Assert.Equal(new Lora.ModelDimensions("gpt2", 512, 64, 2, 256, 4, 4, 16, true, 64).ToString(), config.Dimensions!.ToString());
    }

    [Fact]
    public void Absent_gpt2_positions_are_gpt2_configs_1024()
    {
        var config = ModelConfigReader.Read("""{"model_type": "gpt2", "vocab_size": 512, "n_embd": 64, "n_layer": 2, "n_head": 4}""");
        Assert.Null(config.Error);
        Assert.Equal(new Lora.ModelDimensions("gpt2", 512, 64, 2, 256, 4, 4, 16, true, 1024).ToString(), config.Dimensions!.ToString());
    }
}
