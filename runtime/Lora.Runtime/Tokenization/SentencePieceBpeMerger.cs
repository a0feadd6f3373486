using System.Text;

namespace Lora.Runtime.Tokenization;

/// <summary>
/// SentencePiece's BPE segmentation (bpe_model.cc, Model::SampleEncode without sampling): start from
/// single characters, repeatedly merge the adjacent pair whose joined piece has the highest score,
/// the leftmost pair first on a tie.
/// </summary>
/// <remarks>
/// Why not Microsoft.ML.Tokenizers' SentencePieceTokenizer for this step: in 2.0.1 it takes the
/// rightmost pair on a tie, so a run of equal symbols ("▁▁▁" for indentation, "...") segments
/// differently from sentencepiece itself, e.g. "▁▁▁two" as "▁▁▁|tw|o" instead of "▁▁|▁t|w|o".
/// Code with indentation hits this on most lines. Normalization and decoding still come from the library.
/// </remarks>
internal sealed class SentencePieceBpeMerger
{
    private readonly Dictionary<string, (int Id, SentencePiece Piece)> _pieces = new(StringComparer.Ordinal);
    // Looks pieces up by a slice of the input, so that trying a merge allocates no string.
    private readonly Dictionary<string, (int Id, SentencePiece Piece)>.AlternateLookup<ReadOnlySpan<char>> _piecesBySpan;
    private readonly List<string> _userDefinedLongestFirst;
    private readonly int[] _byteIds;
    private readonly int _unknownId;
    private readonly bool _byteFallback;

    public SentencePieceBpeMerger(IReadOnlyList<SentencePiece> pieces, int unknownId, bool byteFallback)
    {
        for (int id = 0; id < pieces.Count; id++)
        {
            _pieces.TryAdd(pieces[id].Text, (id, pieces[id]));
        }
        _piecesBySpan = _pieces.GetAlternateLookup<ReadOnlySpan<char>>();
        _userDefinedLongestFirst = pieces.Where(p => p.Type == SentencePieceType.UserDefined && p.Text.Length > 0)
            .Select(p => p.Text).OrderByDescending(text => text.Length).ToList();
        _byteIds = Enumerable.Range(0, 256)
            .Select(b => _pieces.TryGetValue($"<0x{b:X2}>", out var entry) ? entry.Id : -1).ToArray();
        _unknownId = unknownId;
        _byteFallback = byteFallback && _byteIds.All(id => id >= 0);
    }

    /// <summary>Segments already-normalized text (spaces as "▁") into piece ids.</summary>
    public List<int> Encode(string normalized)
    {
        var symbols = SplitIntoSymbols(normalized);
        var unusedSplits = new Dictionary<string, (string Left, string Right)>(StringComparer.Ordinal);
        var agenda = new PriorityQueue<Candidate, Candidate>(Candidate.HighestScoreLeftmostFirst);

        for (int i = 1; i < symbols.Count; i++)
        {
            TryQueue(i - 1, i);
        }
        while (agenda.TryDequeue(out var top, out _))
        {
            var left = symbols[top.Left];
            var right = symbols[top.Right];
            // Stale entry: one side was merged away or has grown since it was queued.
            if (left.Length == 0 || right.Length == 0 || left.Length + right.Length != top.Length)
            {
                continue;
            }
            symbols[top.Left] = left with { Length = top.Length, Next = right.Next };
            if (right.Next >= 0)
            {
                symbols[right.Next] = symbols[right.Next] with { Prev = top.Left };
            }
            symbols[top.Right] = right with { Length = 0 };
            TryQueue(symbols[top.Left].Prev, top.Left);
            TryQueue(top.Left, symbols[top.Left].Next);
        }

        var ids = new List<int>();
        for (int index = symbols.Count == 0 ? -1 : 0; index >= 0; index = symbols[index].Next)
        {
            Emit(normalized.Substring(symbols[index].Start, symbols[index].Length), ids, unusedSplits);
        }
        return ids;

        void TryQueue(int left, int right)
        {
            if (left < 0 || right < 0 || symbols[left].Frozen || symbols[right].Frozen)
            {
                return;
            }
            int length = symbols[left].Length + symbols[right].Length;
            var joined = normalized.AsSpan(symbols[left].Start, length);
            // Only normal, user-defined and unused pieces take part in merges, as in sentencepiece.
            if (!_piecesBySpan.TryGetValue(joined, out var entry) || entry.Piece.Type is not
                    (SentencePieceType.Normal or SentencePieceType.UserDefined or SentencePieceType.Unused))
            {
                return;
            }
            var candidate = new Candidate(left, right, length, entry.Piece.Score);
            agenda.Enqueue(candidate, candidate);
            if (entry.Piece.Type == SentencePieceType.Unused)
            {
                unusedSplits[joined.ToString()] = (normalized.Substring(symbols[left].Start, symbols[left].Length),
                                        normalized.Substring(symbols[right].Start, symbols[right].Length));
            }
        }
    }

    private List<Symbol> SplitIntoSymbols(string text)
    {
        var symbols = new List<Symbol>();
        int position = 0;
        while (position < text.Length)
        {
            // User-defined pieces are matched whole and never merged with neighbours.
            string? userDefined = MatchUserDefined(text, position);
            int length = userDefined?.Length ?? (char.IsSurrogatePair(text, position) ? 2 : 1);
            int index = symbols.Count;
            symbols.Add(new Symbol(position, length, index - 1, position + length < text.Length ? index + 1 : -1, userDefined is not null));
            position += length;
        }
        return symbols;
    }

    private string? MatchUserDefined(string text, int position)
    {
        foreach (var piece in _userDefinedLongestFirst)
        {
            if (text.AsSpan(position).StartsWith(piece, StringComparison.Ordinal))
            {
                return piece;
            }
        }
        return null;
    }

    private void Emit(string piece, List<int> ids, Dictionary<string, (string Left, string Right)> unusedSplits)
    {
        if (_pieces.TryGetValue(piece, out var entry))
        {
            // A merge may pass through an unused piece; sentencepiece re-splits it into the pieces it came from.
            if (entry.Piece.Type == SentencePieceType.Unused && unusedSplits.TryGetValue(piece, out var split))
            {
                Emit(split.Left, ids, unusedSplits);
                Emit(split.Right, ids, unusedSplits);
                return;
            }
            ids.Add(entry.Id);
            return;
        }
        if (_byteFallback)
        {
            foreach (byte b in Encoding.UTF8.GetBytes(piece))
            {
                ids.Add(_byteIds[b]);
            }
            return;
        }
        // Without byte fallback sentencepiece folds a run of unknown characters into one unknown id.
        if (ids.Count == 0 || ids[^1] != _unknownId)
        {
            ids.Add(_unknownId);
        }
    }

    private readonly record struct Symbol(int Start, int Length, int Prev, int Next, bool Frozen);

    private readonly record struct Candidate(int Left, int Right, int Length, float Score)
    {
        public static IComparer<Candidate> HighestScoreLeftmostFirst { get; } = Comparer<Candidate>.Create((a, b) =>
            a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Left.CompareTo(b.Left));
    }
}
