using System.Text.Json;

namespace Lora.Runtime.Tests.Cli;

/// <summary>
/// A GPT-2 style tokenizer (vocab.json + merges.txt) for the 512-token fixture models: the 256 byte tokens in
/// GPT-2's order, two merges, "he" (256) and " w" (257), and plain tokens "t258" … "t511" so that every id a
/// fixture model can produce has a text.
/// </summary>
internal static class SmallByteLevelTokenizer
{
    public const int HeId = 256, SpaceWId = 257, VocabSize = 512;

    public static void WriteTo(string folder)
    {
        var vocabulary = ByteTokens().Select((token, id) => (token, id)).ToDictionary(p => p.token, p => p.id);
        vocabulary["he"] = HeId;
        vocabulary["\u0120w"] = SpaceWId;   // Ġ is GPT-2's visible form of the space byte
        for (int id = SpaceWId + 1; id < VocabSize; id++) vocabulary[$"t{id}"] = id;
        File.WriteAllText(Path.Combine(folder, "vocab.json"), JsonSerializer.Serialize(vocabulary));
        File.WriteAllLines(Path.Combine(folder, "merges.txt"), ["#version: 0.2", "h e", "\u0120 w"]);
    }

    /// <summary>GPT-2's bytes_to_unicode: printable bytes stand for themselves, the others map to U+0100 onwards; ids follow this order.</summary>
    private static IEnumerable<string> ByteTokens()
    {
        var printable = Enumerable.Range('!', '~' - '!' + 1).Concat(Enumerable.Range('¡', '¬' - '¡' + 1)).Concat(Enumerable.Range('®', 'ÿ' - '®' + 1)).ToList();
        foreach (int b in printable) yield return ((char)b).ToString();
        int next = 256;
        for (int b = 0; b < 256; b++)
            if (!printable.Contains(b)) yield return ((char)next++).ToString();
    }
}
