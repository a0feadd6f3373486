using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Lora.Runtime.ChatTemplates.Values;

/// <summary>
/// Python's case mappings, which are Unicode's full ones: "ß".upper() is "SS", "ﬁ".upper() "FI", "İ".lower() "i̇",
/// a final capital sigma lowers to "ς", and title-casing a digraph gives its title form ("ǆ" → "ǅ"). .NET's invariant
/// mappings are one-to-one, so these cases are handled here; everything else is the invariant mapping.
/// </summary>
internal static class PyCase
{
    private static readonly Dictionary<int, string> UpperSpecial = new()
    {
        [0x00DF] = "SS", [0x0149] = "\u02BCN", [0x01F0] = "J\u030C", [0x0390] = "\u0399\u0308\u0301", [0x03B0] = "\u03A5\u0308\u0301",
        [0x0587] = "\u0535\u0552", [0x1E96] = "H\u0331", [0x1E97] = "T\u0308", [0x1E98] = "W\u030A", [0x1E99] = "Y\u030A",
        [0x1E9A] = "A\u02BE", [0xFB00] = "FF", [0xFB01] = "FI", [0xFB02] = "FL", [0xFB03] = "FFI", [0xFB04] = "FFL",
        [0xFB05] = "ST", [0xFB06] = "ST", [0xFB13] = "\u0544\u0546", [0xFB14] = "\u0544\u0535", [0xFB15] = "\u0544\u053B",
        [0xFB16] = "\u054E\u0546", [0xFB17] = "\u0544\u053D",
    };

    // Title forms that differ from the upper-case ones.
    private static readonly Dictionary<int, string> TitleSpecial = new()
    {
        [0x00DF] = "Ss", [0x01C4] = "\u01C5", [0x01C5] = "\u01C5", [0x01C6] = "\u01C5", [0x01C7] = "\u01C8", [0x01C8] = "\u01C8",
        [0x01C9] = "\u01C8", [0x01CA] = "\u01CB", [0x01CB] = "\u01CB", [0x01CC] = "\u01CB", [0x01F1] = "\u01F2", [0x01F2] = "\u01F2",
        [0x01F3] = "\u01F2", [0xFB00] = "Ff", [0xFB01] = "Fi", [0xFB02] = "Fl", [0xFB03] = "Ffi", [0xFB04] = "Ffl", [0xFB05] = "St",
        [0xFB06] = "St", [0x0587] = "\u0535\u0582",
    };

    public static string Upper(string s)
    {
        if (IsAscii(s))
            return s.ToUpperInvariant();
        var builder = new StringBuilder(s.Length);
        foreach (var rune in s.EnumerateRunes())
            builder.Append(UpperSpecial.TryGetValue(rune.Value, out var special) ? special : Rune.ToUpperInvariant(rune).ToString());
        return builder.ToString();
    }

    public static string Lower(string s)
    {
        if (IsAscii(s))
            return s.ToLowerInvariant();
        var runes = s.EnumerateRunes().ToArray();
        var builder = new StringBuilder(s.Length);
        for (var i = 0; i < runes.Length; i++)
            builder.Append(LowerAt(runes, i));
        return builder.ToString();
    }

    /// <summary>The lower case of <paramref name="runes"/>[<paramref name="index"/>], in its context (final sigma).</summary>
    public static string LowerAt(Rune[] runes, int index) => runes[index].Value switch
    {
        0x0130 => "i\u0307",
        0x03A3 => IsFinalSigma(runes, index) ? "\u03C2" : "\u03C3",
        _ => Rune.ToLowerInvariant(runes[index]).ToString(),
    };

    /// <summary>The title form of one code point, as Python's title() and capitalize() use for a word's first letter.</summary>
    public static string Title(Rune rune) =>
        TitleSpecial.TryGetValue(rune.Value, out var special) ? special
        : UpperSpecial.TryGetValue(rune.Value, out var upper) ? upper
        : Rune.ToUpperInvariant(rune).ToString();

    // Unicode's Final_Sigma: a cased letter before (skipping case-ignorables) and none after.
    private static bool IsFinalSigma(Rune[] runes, int index)
    {
        var before = index - 1;
        while (before >= 0 && IsCaseIgnorable(runes[before]))
            before--;
        if (before < 0 || !IsCased(runes[before]))
            return false;
        var after = index + 1;
        while (after < runes.Length && IsCaseIgnorable(runes[after]))
            after++;
        return after >= runes.Length || !IsCased(runes[after]);
    }

    public static bool IsCased(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter;

    private static bool IsCaseIgnorable(Rune rune) =>
        rune.Value is '\'' or '.' or ':' or '^' or '`' or 0x00B7 or 0x2019
        || Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format
            or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol;

    private static bool IsAscii(string s)
    {
        foreach (var c in s)
        {
            if (c > 0x7F)
                return false;
        }

        return true;
    }

    /// <summary>Python's <c>\w</c> (str.isalnum() or '_'), for wordcount: letters and numbers, not combining marks.</summary>
    public static bool IsWordCharacter(Rune rune) =>
        rune.Value == '_' || Rune.GetUnicodeCategory(rune) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
            or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter
            or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber;
}
