using System.Text.Json.Nodes;
using Lora.Runtime.Data;

namespace Lora.Runtime.Evaluation;

/// <summary>Reads <see cref="Lora.MultipleChoiceRow"/> lines (field names ignoring case), each checked, with file:line on a bad one.</summary>
public static class MultipleChoiceRows
{
    /// <summary>The rows of <paramref name="path"/>, with where each came from.</summary>
    /// <exception cref="DatasetException">A line is not a question with two or more choices and an answer index among them.</exception>
    public static IReadOnlyList<(string Where, Lora.MultipleChoiceRow Row)> Read(string path)
    {
        if (!File.Exists(path)) throw new DatasetException($"{path}: the multiple-choice questions of [Evaluate(ChoicesPath = ...)] are not there.");
        var rows = JsonlReader.Read(path).Select(r => (r.Where, Parse(r))).ToList();
        if (rows.Count == 0) throw new DatasetException($"{path}: no multiple-choice questions in it; expected lines like {Example}.");
        return rows;
    }

    const string Example = """{"question": "Question: What do plants need to grow?\nAnswer:", "choices": ["light", "salt"], "answer": 0}""";

    static Lora.MultipleChoiceRow Parse(JsonlRow row)
    {
        JsonNode? Field(string name) => row.Value.FirstOrDefault(kv => string.Equals(kv.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
        string Problem(string what) => $"{row.Where}: {what}; expected a line like {Example}.";
        if (Field("question") is not JsonValue q || !q.TryGetValue<string>(out var question))
            throw new DatasetException(Problem("'question' is missing or not text"));
        if (Field("choices") is not JsonArray array || array.Any(c => c is not JsonValue v || !v.TryGetValue<string>(out _)))
            throw new DatasetException(Problem("'choices' is missing or not an array of texts"));
        var choices = array.Select(c => c!.GetValue<string>()).ToList();
        if (choices.Count < 2) throw new DatasetException(Problem($"'choices' has {choices.Count} choice(s), and a question needs at least two"));
        if (choices.Any(c => c.Length == 0)) throw new DatasetException(Problem("a choice is empty, and its length-normalised score would divide by zero"));
        if (Field("answer") is not JsonValue a || !a.TryGetValue<int>(out var answer) || answer < 0 || answer >= choices.Count)
            throw new DatasetException(Problem($"'answer' must be the index of the right choice, 0 to {choices.Count - 1}"));
        return new Lora.MultipleChoiceRow(question, choices, answer);
    }
}
