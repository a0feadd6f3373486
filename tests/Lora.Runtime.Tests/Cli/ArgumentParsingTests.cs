using Lora.Cli.Arguments;
using Lora.Cli.Inspection;
using Lora.Cli.Output;

namespace Lora.Runtime.Tests.Cli;

/// <summary>The CLI's own small pieces that need no model: id rows, module name folding, trimming generated rows.</summary>
public class ArgumentParsingTests
{
    [Fact]
    public void Rows_parse_with_spaces_and_signs()
    {
        var rows = IntegerRows.TryParse(" 1, 2 ,3;-4,5", out var error);
        Assert.Null(error);
        Assert.Equal([[1L, 2, 3], [-4L, 5]], rows!.Rows);
        Assert.Equal(1, rows.FirstRowOfOtherLength);
        Assert.Equal((1, 0, -4L), rows.FirstOutside(0, long.MaxValue));
    }

    [Theory]
    [InlineData("", "row 1 of \"\" is empty")]
    [InlineData("1,,2", "row 1, value 2 of \"1,,2\" is '', which is not an integer")]
    [InlineData("1;2.5", "row 2, value 1 of \"1;2.5\" is '2.5', which is not an integer")]
    [InlineData("99999999999999999999", "is '99999999999999999999', which is not an integer")]
    public void Bad_rows_are_reported_with_their_place(string text, string problem)
    {
        Assert.Null(IntegerRows.TryParse(text, out var error));
        Assert.Contains(problem, error);
    }

    [Fact]
    public void Module_names_fold_their_layer_index_into_ranges()
    {
        string[] names =
        [
            "model.layers.0.self_attn.q_proj", "model.layers.1.self_attn.q_proj", "model.layers.2.self_attn.q_proj",
            "model.layers.5.self_attn.q_proj", "model.layers.0.mlp.up_proj", "lm_head",
        ];
        Assert.Equal(["lm_head", "model.layers.{0}.mlp.up_proj", "model.layers.{0-2,5}.self_attn.q_proj"], ModuleNamePatterns.Fold(names));
    }

    [Fact]
    public void Generated_rows_lose_their_left_padding_and_the_filler_after_eos()
    {
        // Two prompts, lengths 3 and 1, padded to 3 with pad 0; row 2 hit EOS (2) and was then filled with pad 0.
        long[] output =
        [
            10, 11, 12, 20, 21, 22,
            0, 0, 13, 2, 0, 0,
        ];
        var rows = GeneratedSequences.Split(output, width: 6, paddedPromptLength: 3, promptLengths: [3, 1], eosIds: [2]);
        Assert.Equal([10L, 11, 12, 20, 21, 22], rows[0]);
        Assert.Equal([13L, 2], rows[1]);
    }

    [Fact]
    public void An_eos_inside_the_prompt_does_not_cut_the_row()
    {
        long[] output = [2, 5, 6, 7];
        var rows = GeneratedSequences.Split(output, width: 4, paddedPromptLength: 2, promptLengths: [2], eosIds: [2]);
        Assert.Equal([2L, 5, 6, 7], rows[0]);
    }
}
