using System.Text.RegularExpressions;

namespace Lora.Runtime.Tokenization;

/// <summary>
/// The added tokens of a tokenizer, matched verbatim in the input before the subword model runs, as
/// Hugging Face tokenizers do, so that a chat template's "&lt;|im_start|&gt;" becomes one id and not
/// a run of punctuation pieces.
/// </summary>
internal sealed class AddedTokenTable
{
    private readonly Dictionary<string, AddedToken> _byContent = new(StringComparer.Ordinal);
    private readonly Dictionary<int, AddedToken> _byId = new();
    private Regex? _splitter;

    public IReadOnlyCollection<AddedToken> Tokens => _byId.Values;

    /// <summary>
    /// Adds a token; a token already known by content or id is kept, but marked special if
    /// <paramref name="token"/> is, because config files may name as special a token that the
    /// vocabulary lists as ordinary.
    /// </summary>
    public void Add(AddedToken token)
    {
        if (_byContent.TryGetValue(token.Content, out var known))
        {
            if (token.IsSpecial && !known.IsSpecial)
            {
                Replace(known with { IsSpecial = true });
            }
            return;
        }
        if (_byId.ContainsKey(token.Id))
        {
            return;
        }
        Replace(token);
    }

    public bool TryGetById(int id, out AddedToken token) => _byId.TryGetValue(id, out token!);

    public bool TryGetByContent(string content, out AddedToken token) => _byContent.TryGetValue(content, out token!);

    /// <summary>Splits <paramref name="text"/> into plain runs and added tokens, left to right.</summary>
    public IEnumerable<TextSegment> Split(string text)
    {
        var splitter = _splitter ??= BuildSplitter();
        if (splitter is null)
        {
            yield return new TextSegment(text, null);
            yield break;
        }
        int position = 0;
        foreach (Match match in splitter.Matches(text))
        {
            if (match.Index > position)
            {
                yield return new TextSegment(text[position..match.Index], null);
            }
            yield return new TextSegment(match.Value, _byContent[match.Value]);
            position = match.Index + match.Length;
        }
        if (position < text.Length)
        {
            yield return new TextSegment(text[position..], null);
        }
    }

    private void Replace(AddedToken token)
    {
        _byContent[token.Content] = token;
        _byId[token.Id] = token;
        _splitter = null;
    }

    private Regex? BuildSplitter()
    {
        if (_byContent.Count == 0)
        {
            return null;
        }
        // Longest first, so that "<|endoftext|>" wins over a shorter token that is its prefix.
        var alternatives = _byContent.Keys
            .Where(content => content.Length > 0)
            .OrderByDescending(content => content.Length)
            .ThenBy(content => content, StringComparer.Ordinal)
            .Select(Regex.Escape);
        return new Regex(string.Join("|", alternatives), RegexOptions.CultureInvariant);
    }
}
