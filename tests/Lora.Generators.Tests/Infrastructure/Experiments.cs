namespace Lora.Generators.Tests.Infrastructure;

/// <summary>Builds experiment sources for rule tests from a valid baseline.</summary>
internal static class Experiments
{
    /// <summary>The attributes of a valid minimal experiment on tiny-llama with Alpaca data.</summary>
    public static readonly string[] Valid =
    {
        "[Experiment(\"demo\")]",
        "[BaseModel(\"models/tiny-llama\")]",
        "[Dataset(\"data/train.jsonl\", Format = DatasetFormat.Alpaca, MaxLength = 128)]",
    };

    /// <summary>A source file declaring the row type <c>App.Email</c> and <c>App.Demo</c> with the given attribute lines.</summary>
    /// <param name="attributes">Attribute lines, possibly with diagnostic markup.</param>
    /// <returns>The source.</returns>
    public static string Source(params string[] attributes) =>
        "using Lora;\n\nnamespace App;\n\npublic sealed record Email(string Subject, string Body, string Label);\n\n"
        + string.Join("\n", attributes) + "\npublic partial record Demo;\n";

    /// <summary>
    /// The valid experiment with some attribute lines replaced or added: a line for an attribute the baseline
    /// has (Experiment, BaseModel, Dataset or Dataset&lt;T&gt;) replaces that line; other lines are added.
    /// </summary>
    /// <param name="lines">Attribute lines, possibly with diagnostic markup.</param>
    /// <returns>The source.</returns>
    public static string With(params string[] lines)
    {
        var result = Valid.ToList();
        foreach (var line in lines)
        {
            var index = result.FindIndex(existing => Name(existing) == Name(line));
            if (index >= 0 && index < Valid.Length)
            {
                result[index] = line;
            }
            else
            {
                result.Add(line);
            }
        }

        return Source(result.ToArray());
    }

    /// <summary>The valid experiment without the attribute named <paramref name="attribute"/>.</summary>
    /// <param name="attribute">e.g. "BaseModel".</param>
    /// <param name="experimentLine">The line to use for [Experiment], with markup.</param>
    /// <returns>The source.</returns>
    public static string Without(string attribute, string experimentLine) =>
        Source(Valid.Where(l => Name(l) != attribute).Select(l => Name(l) == "Experiment" ? experimentLine : l).ToArray());

    private static string Name(string line)
    {
        var plain = Markup.Parse(line, out _).TrimStart('[');
        var end = plain.IndexOfAny(new[] { '(', ']', '<' });
        return end < 0 ? plain : plain.Substring(0, end);
    }
}
