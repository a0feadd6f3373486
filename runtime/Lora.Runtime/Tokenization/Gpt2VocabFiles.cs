using System.Text.Json;

namespace Lora.Runtime.Tokenization;

/// <summary>
/// Reads the original GPT-2 tokenizer files: <c>vocab.json</c> (token to id) and <c>merges.txt</c>
/// (one "left right" merge per line, in rank order, after an optional "#version" line).
/// </summary>
internal static class Gpt2VocabFiles
{
    public const string VocabFileName = "vocab.json";
    public const string MergesFileName = "merges.txt";

    public static ByteLevelBpeModel Load(string vocabPath, string mergesPath)
    {
        var vocabulary = ReadVocabulary(vocabPath);
        var merges = ReadMerges(mergesPath);
        return ByteLevelBpeModel.Create(vocabulary, merges, ByteLevelBpeSettings.Gpt2);
    }

    public static Dictionary<string, int> ReadVocabulary(string path)
    {
        using var document = JsonFile.Parse(path);
        return ReadVocabulary(document.RootElement, path, "the file");
    }

    /// <summary>Reads a {"token": id, ...} object; <paramref name="where"/> says where it sits in the file.</summary>
    public static Dictionary<string, int> ReadVocabulary(JsonElement vocab, string path, string where)
    {
        if (vocab.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerLoadException(path, $"{where} to be a JSON object of token to id", JsonFile.Describe(vocab));
        }
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in vocab.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out int id) || id < 0)
            {
                throw new TokenizerLoadException(path, $"a non-negative integer id for token \"{entry.Name}\" in {where}",
                    JsonFile.Describe(entry.Value));
            }
            vocabulary[entry.Name] = id;
        }
        if (vocabulary.Count == 0)
        {
            throw new TokenizerLoadException(path, $"at least one token in {where}", "an empty vocabulary");
        }
        return vocabulary;
    }

    public static List<string> ReadMerges(string path)
    {
        var merges = new List<string>();
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0 || (lineNumber == 1 && line.StartsWith("#version", StringComparison.Ordinal)))
            {
                continue;
            }
            int space = line.IndexOf(' ');
            if (space <= 0 || space == line.Length - 1 || line.IndexOf(' ', space + 1) >= 0)
            {
                throw new TokenizerLoadException(path, $"a merge \"left right\" (two tokens, one space) on line {lineNumber}",
                    $"\"{line}\"");
            }
            merges.Add(line);
        }
        return merges;
    }
}
