using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Lora.Runtime.Tokenization;

/// <summary>
/// Turns a tokenizer.json's normalizer and pre-tokenizer into <see cref="ByteLevelBpeSettings"/>, and
/// refuses the steps we cannot reproduce rather than encoding differently from the model's training.
/// </summary>
internal static class TokenizerJsonSettings
{
    public static ByteLevelBpeSettings Read(string path, JsonElement root, JsonElement byteLevel, JsonElement model)
    {
        RejectUnsupportedModelOptions(path, model);
        return new ByteLevelBpeSettings(
            ReadSplitRegex(path, root, byteLevel),
            // Hugging Face's ByteLevel defaults add_prefix_space to true when the key is absent.
            AddPrefixSpace: !byteLevel.TryGetProperty("add_prefix_space", out var prefix) || prefix.ValueKind != JsonValueKind.False,
            Normalization: ReadNormalization(path, root),
            UnknownToken: model.TryGetProperty("unk_token", out var unk) && unk.ValueKind == JsonValueKind.String ? unk.GetString() : null);
    }

    /// <summary>
    /// Finds the step of type <paramref name="type"/> in <paramref name="property"/>, looking inside a
    /// "Sequence" (whose steps sit under <paramref name="sequenceKey"/>).
    /// </summary>
    public static JsonElement? FindStep(JsonElement root, string property, string sequenceKey, string type) =>
        Steps(root, property, sequenceKey).Cast<JsonElement?>().FirstOrDefault(step => TypeOf(step!.Value) == type);

    private static IEnumerable<JsonElement> Steps(JsonElement root, string property, string sequenceKey)
    {
        if (!root.TryGetProperty(property, out var step) || step.ValueKind != JsonValueKind.Object)
        {
            return [];
        }
        return TypeOf(step) == "Sequence" && step.TryGetProperty(sequenceKey, out var steps) && steps.ValueKind == JsonValueKind.Array
            ? steps.EnumerateArray().ToList()
            : [step];
    }

    private static string? TypeOf(JsonElement step) =>
        step.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null;

    private static Regex ReadSplitRegex(string path, JsonElement root, JsonElement byteLevel)
    {
        var steps = Steps(root, "pre_tokenizer", "pretokenizers").ToList();
        var other = steps.Select(TypeOf).FirstOrDefault(type => type is not ("ByteLevel" or "Split"));
        if (other is not null)
        {
            throw new TokenizerLoadException(path, "a pre_tokenizer made of ByteLevel and at most one regex Split",
                $"a \"{other}\" step");
        }
        bool byteLevelSplits = !byteLevel.TryGetProperty("use_regex", out var useRegex) || useRegex.ValueKind != JsonValueKind.False;
        var splits = steps.Where(step => TypeOf(step) == "Split").ToList();
        if (splits.Count == 0)
        {
            // ByteLevel(use_regex=false) with no Split would keep the whole text as one word.
            return byteLevelSplits ? ByteLevelBpeSettings.Gpt2.SplitRegex : new Regex(@"[\s\S]+", RegexOptions.CultureInvariant);
        }
        if (splits.Count > 1 || byteLevelSplits)
        {
            throw new TokenizerLoadException(path, "one Split followed by ByteLevel(use_regex=false), as Llama 3 and Qwen2 have",
                $"{splits.Count} Split step(s) with ByteLevel use_regex={(byteLevelSplits ? "true" : "false")}");
        }
        return SplitPattern(path, splits[0]);
    }

    private static Regex SplitPattern(string path, JsonElement split)
    {
        string behavior = split.TryGetProperty("behavior", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString()! : "";
        bool invert = split.TryGetProperty("invert", out var inv) && inv.ValueKind == JsonValueKind.True;
        // Only "Isolated" (every match is its own word) maps onto a splitting regex; the patterns that
        // use it (GPT-4, Llama 3, Qwen2) match every character, so no text falls between matches.
        if (behavior != "Isolated" || invert)
        {
            throw new TokenizerLoadException(path, "a Split pre_tokenizer with behavior \"Isolated\" and invert false",
                $"behavior \"{behavior}\", invert {(invert ? "true" : "false")}");
        }
        if (!split.TryGetProperty("pattern", out var pattern) || pattern.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerLoadException(path, "a Split pattern {\"Regex\": ...} or {\"String\": ...}", "none");
        }
        if (pattern.TryGetProperty("String", out var literal) && literal.ValueKind == JsonValueKind.String)
        {
            return new Regex(Regex.Escape(literal.GetString()!), RegexOptions.CultureInvariant);
        }
        if (!pattern.TryGetProperty("Regex", out var regex) || regex.ValueKind != JsonValueKind.String)
        {
            throw new TokenizerLoadException(path, "a Split pattern {\"Regex\": ...} or {\"String\": ...}", pattern.GetRawText());
        }
        try
        {
            // A pattern from a file: a time limit per match, so one that backtracks without end fails the row (ExampleBuilder
            // names it) instead of hanging the build.
            return new Regex(regex.GetString()!, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(2));
        }
        catch (ArgumentException e)
        {
            throw new TokenizerLoadException(path, "a Split regex that .NET can compile", $"\"{regex.GetString()}\" ({e.Message})", e);
        }
    }

    private static NormalizationForm? ReadNormalization(string path, JsonElement root)
    {
        NormalizationForm? form = null;
        foreach (var step in Steps(root, "normalizer", "normalizers"))
        {
            NormalizationForm next = TypeOf(step) switch
            {
                "NFC" => NormalizationForm.FormC,
                "NFD" => NormalizationForm.FormD,
                "NFKC" => NormalizationForm.FormKC,
                "NFKD" => NormalizationForm.FormKD,
                var other => throw new TokenizerLoadException(path, "no normalizer, or one Unicode form (NFC, NFD, NFKC, NFKD)",
                    $"a \"{other}\" normalizer"),
            };
            if (form is not null && form != next)
            {
                throw new TokenizerLoadException(path, "at most one Unicode normalization form", "two different forms");
            }
            form = next;
        }
        return form;
    }

    private static void RejectUnsupportedModelOptions(string path, JsonElement model)
    {
        foreach (var option in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
        {
            if (model.TryGetProperty(option, out var value) && value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0)
            {
                throw new TokenizerLoadException(path, $"model.{option} null in a byte-level BPE", JsonFile.Describe(value));
            }
        }
        // model.dropout is ignored on purpose: BPE dropout is a training-time augmentation and encoding
        // for fine-tuning must be deterministic. model.ignore_merges (Llama 3) is not applied by
        // Microsoft.ML.Tokenizers; for vocabularies whose every token is reachable by merges it
        // changes nothing.
    }
}
