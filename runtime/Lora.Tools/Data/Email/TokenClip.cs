using Lora.Runtime.Tokenization;

namespace Lora.Tools.Data.Email;

/// <summary>Text cut to at most a number of tokens of a tokenizer, at a token boundary.</summary>
public static class TokenClip
{
    /// <summary>
    /// The longest prefix of <paramref name="text"/> (by whole tokens, trailing blanks trimmed) that encodes to at
    /// most <paramref name="maxTokens"/> tokens. A character split between two byte-level tokens is dropped.
    /// </summary>
    public static string Clip(ModelTokenizer tokenizer, string text, int maxTokens)
    {
        var ids = tokenizer.Encode(text, addBos: false);
        if (ids.Count <= maxTokens) return text;
        // Re-encoding a decoded prefix can merge differently at its end, so shrink until it fits.
        for (int keep = maxTokens; keep > 0; keep--)
        {
            string prefix = tokenizer.Decode(ids.Take(keep)).TrimEnd('\uFFFD').TrimEnd();
            if (tokenizer.Encode(prefix, addBos: false).Count <= maxTokens) return prefix;
        }
        return "";
    }
}
