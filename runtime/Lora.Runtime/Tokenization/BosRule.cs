using System.Text.Json;

namespace Lora.Runtime.Tokenization;

/// <summary>
/// Whether encoding a text puts BOS first, as transformers' tokenizer call does for the same folder; the one rule for
/// training rows, evaluation prompts and every CLI verb (<see cref="ModelTokenizer.AddsBos"/>):
/// <list type="number">
/// <item><c>tokenizer_config.json</c>'s <c>add_bos_token</c> when it is set;</item>
/// <item>else a <c>tokenizer.json</c> whose post-processor template starts with the BOS token (Llama 3 style);</item>
/// <item>else SentencePiece tokenizers add it (LlamaTokenizer's default) and byte-level BPE ones do not (GPT-2, Qwen2).</item>
/// </list>
/// </summary>
internal static class BosRule
{
    public static bool AddsBos(string kind, int? bosId, string folder)
    {
        if (bosId is null) return false;
        if (ReadAddBosToken(Path.Combine(folder, "tokenizer_config.json")) is bool configured) return configured;
        if (TemplateStartsWithBos(Path.Combine(folder, "tokenizer.json"), bosId.Value)) return true;
        return kind == TokenizerFolderLoader.SentencePieceKind;
    }

    private static bool? ReadAddBosToken(string path)
    {
        if (!File.Exists(path)) return null;
        using var document = Parse(path);
        return document.RootElement.ValueKind == JsonValueKind.Object
               && document.RootElement.TryGetProperty("add_bos_token", out var flag)
               && flag.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? flag.GetBoolean()
            : null;
    }

    // {"post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<bos>"}}, …],
    //  "special_tokens": {"<bos>": {"ids": [bosId]}}}}
    private static bool TemplateStartsWithBos(string path, int bosId)
    {
        if (!File.Exists(path)) return false;
        using var document = Parse(path);
        var processor = Child(document.RootElement, "post_processor");
        if (Child(processor, "single") is not { ValueKind: JsonValueKind.Array } single || single.GetArrayLength() == 0) return false;
        if (Child(Child(single[0], "SpecialToken"), "id") is not { ValueKind: JsonValueKind.String } name) return false;
        if (Child(Child(Child(processor, "special_tokens"), name.GetString()!), "ids") is not { ValueKind: JsonValueKind.Array } ids) return false;
        return ids.EnumerateArray().Any(id => id.ValueKind == JsonValueKind.Number && id.TryGetInt32(out int value) && value == bosId);
    }

    /// <summary>The named child of a JSON object; null when the element is missing or not an object.</summary>
    private static JsonElement? Child(JsonElement? element, string name) =>
        element is { ValueKind: JsonValueKind.Object } e && e.TryGetProperty(name, out var child) ? child : null;

    private static JsonDocument Parse(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new TokenizerLoadException(path, "valid JSON", $"a parse error ({e.Message})", e);
        }
    }
}
