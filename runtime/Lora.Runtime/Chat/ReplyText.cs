using Lora.Runtime.Tokenization;

namespace Lora.Runtime.Chat;

/// <summary>
/// A reply's text as its tokens arrive, released only where it is final. The ids are decoded together each time, since a
/// byte-level token may hold part of a UTF-8 character: a trailing U+FFFD (an incomplete character) is held back until the
/// next token completes it. Stop sequences are matched on the text, across token boundaries: text that could be the start
/// of one is held back too, and a stop sequence ends the reply without being released.
/// </summary>
/// <remarks>
/// The text released, piece after piece, is the decoded text of the reply's ids up to the first stop sequence: the same
/// text however the ids are grouped. The stop ids that end a reply (EOS, the end-of-turn token) are not added here.
/// </remarks>
internal sealed class ReplyText
{
    const char Replacement = '\uFFFD';

    readonly ModelTokenizer _tokenizer;
    readonly IReadOnlyList<string> _stops;
    readonly int _longestStop;
    readonly List<int> _ids = new();
    string _released = "";

    /// <param name="tokenizer">Decodes the ids (special tokens left out).</param>
    /// <param name="stopSequences">Texts that end the reply; none empty.</param>
    public ReplyText(ModelTokenizer tokenizer, IReadOnlyList<string> stopSequences)
    {
        if (stopSequences.Any(s => s.Length == 0)) throw new ArgumentException("A stop sequence is empty.", nameof(stopSequences));
        _tokenizer = tokenizer;
        _stops = stopSequences;
        _longestStop = stopSequences.Count == 0 ? 0 : stopSequences.Max(s => s.Length);
    }

    /// <summary>Whether a stop sequence has appeared: the reply has ended before it.</summary>
    public bool Stopped { get; private set; }

    /// <summary>The text released so far.</summary>
    public string Released => _released;

    /// <summary>Adds a token; returns the text it made final ("" when none). After a stop sequence, the text before it, and
    /// <see cref="Stopped"/> is true.</summary>
    public string Add(int id)
    {
        if (Stopped) throw new InvalidOperationException("The reply has ended at a stop sequence.");
        _ids.Add(id);
        string full = _tokenizer.Decode(_ids);
        int end = full.Length;
        while (end > 0 && full[end - 1] == Replacement) end--;
        string stable = full[..end];
        if (!stable.StartsWith(_released, StringComparison.Ordinal)) return "";   // decoders here only extend their text

        int cut = -1;
        foreach (var stop in _stops)
        {
            // Nothing released ends with the start of a stop sequence, so one can only begin after the released text.
            int at = stable.IndexOf(stop, _released.Length, StringComparison.Ordinal);
            if (at >= 0 && (cut < 0 || at < cut)) cut = at;
        }
        if (cut >= 0)
        {
            Stopped = true;
            return Release(stable[..cut]);
        }
        return Release(stable[..(stable.Length - StopPrefixAtEnd(stable))]);
    }

    /// <summary>At the end of the reply: the text still held back (an incomplete character, the start of a stop sequence that
    /// never finished); "" after a stop sequence.</summary>
    public string Flush()
    {
        if (Stopped) return "";
        string full = _tokenizer.Decode(_ids);
        return full.StartsWith(_released, StringComparison.Ordinal) ? Release(full) : "";
    }

    /// <summary>The length of the longest end of <paramref name="text"/>, past the released text, that a stop sequence starts with.</summary>
    int StopPrefixAtEnd(string text)
    {
        for (int length = Math.Min(_longestStop - 1, text.Length - _released.Length); length > 0; length--)
        {
            var tail = text.AsSpan(text.Length - length);
            foreach (var stop in _stops)
                if (stop.AsSpan().StartsWith(tail, StringComparison.Ordinal)) return length;
        }
        return 0;
    }

    string Release(string upTo)
    {
        string piece = upTo[_released.Length..];
        _released = upTo;
        return piece;
    }
}
