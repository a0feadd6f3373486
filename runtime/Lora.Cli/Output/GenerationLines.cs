using System.Text.Encodings.Web;
using System.Text.Json;

namespace Lora.Cli.Output;

/// <summary>
/// What <c>lora generate</c> prints per sequence: one line with the ids as a JSON array, then, when the
/// model has a tokenizer, one line <c>{"text": "…"}</c>. Every line is JSON, and the two kinds differ in
/// their first character ('[' or '{'), so scripts can read the output line by line.
/// </summary>
public static class GenerationLines
{
    // Text goes to a terminal or a script, not into HTML: keep non-ASCII characters readable.
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void WriteIds(TextWriter output, IEnumerable<long> ids) =>
        output.WriteLine(JsonSerializer.Serialize(ids, Json));

    public static void WriteText(TextWriter output, string text) =>
        output.WriteLine(JsonSerializer.Serialize(new Dictionary<string, string> { ["text"] = text }, Json));
}
