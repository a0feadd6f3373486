namespace Lora.Tools.Pretraining;

/// <summary>
/// Which State of the Union addresses are kept out of training: with the addresses sorted by file name
/// (year first, e.g. <c>1790_george_washington_n.txt</c>), those at index <c>i</c> with
/// <c>i % EveryNth == Offset</c>. Moby Dick is always trained on.
/// </summary>
/// <param name="EveryNth">Hold out one address in this many.</param>
/// <param name="Offset">Which one of each group of <paramref name="EveryNth"/> (0-based).</param>
public sealed record HeldOutRule(int EveryNth, int Offset)
{
    public bool IsHeldOut(int sortedIndex) => sortedIndex % EveryNth == Offset;

    public string Describe() =>
        $"every {Ordinal(EveryNth)} State of the Union address in file-name (year) order, starting at the {Ordinal(Offset + 1)}";

    static string Ordinal(int n) => n + (n % 100 is 11 or 12 or 13 ? "th" : (n % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" });
}
