using System.Text.Json;

namespace Lora.Runtime.Tests.ChatTemplates;

/// <summary>
/// The chat template corpus (Corpus/&lt;template&gt;/): each template rendered over each conversation of
/// Corpus/conversations.json with the add_generation_prompt values it lists; the expected text (or error) was made
/// by make_expected.sh with the reference renderer.
/// </summary>
public static class ChatTemplateCorpus
{
    /// <summary>The date make_expected.sh freezes strftime_now at (render.py uses 12:00 of it).</summary>
    public static readonly DateTime FrozenNow = new(2024, 7, 26, 12, 0, 0);

    public static string Root => Path.Combine(RepoPaths.RepoRoot, "tests", "Lora.Runtime.Tests", "ChatTemplates", "Corpus");

    public static IEnumerable<string> Templates =>
        Directory.GetDirectories(Root).Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    /// <summary>Conversation id → (messages, the add_generation_prompt values to render).</summary>
    public static IReadOnlyDictionary<string, (JsonElement Messages, bool[] Flags)> Conversations { get; } = LoadConversations();

    /// <summary>Every case as (template, conversation, add_generation_prompt).</summary>
    public static IEnumerable<object[]> Cases =>
        from template in Templates
        from conversation in Conversations
        from flag in conversation.Value.Flags
        select new object[] { template, conversation.Key, flag };

    private static Dictionary<string, (JsonElement, bool[])> LoadConversations()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "conversations.json")));
        return document.RootElement.EnumerateArray().ToDictionary(
            c => c.GetProperty("id").GetString()!,
            c => (c.GetProperty("messages").Clone(), c.GetProperty("add_generation_prompt").EnumerateArray().Select(f => f.GetBoolean()).ToArray()));
    }
}
