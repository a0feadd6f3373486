using System.Text.Encodings.Web;
using System.Text.Json;
using Lora.Runtime.Tokenization;

namespace Lora.Cli.Output;

/// <summary>
/// What <c>lora chat-template --tokens</c> prints: one line per token, <c>id TAB loss TAB "text"</c>, ending in "\n".
/// <c>loss</c> is 1 when the token carries loss in training, else 0; <c>text</c> is the token decoded on its own with
/// special tokens kept, as a JSON string (a byte-level token holding part of a character reads as U+FFFD).
/// </summary>
public static class TokenLines
{
    // Text goes to a terminal or a script, not into HTML: keep non-ASCII characters readable.
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(TextWriter output, ModelTokenizer tokenizer, IReadOnlyList<int> ids, IReadOnlyList<bool> loss)
    {
        for (int i = 0; i < ids.Count; i++)
            output.Write($"{ids[i]}\t{(loss[i] ? 1 : 0)}\t{JsonSerializer.Serialize(tokenizer.Decode([ids[i]], skipSpecial: false), Json)}\n");
    }
}
