extern alias gen;
using System.Text;
using System.Text.Json;
using Lora.Generators.Tests.Infrastructure;
using ChatTemplateFiles = gen::Lora.Generators.Files.ChatTemplateFiles;
using ChatTemplateRenderException = gen::Lora.Runtime.ChatTemplates.ChatTemplateRenderException;
using JsonReader = gen::Lora.Generators.Json.JsonReader;
using ModelChatTemplate = gen::Lora.Runtime.ChatTemplates.ModelChatTemplate;
using ParsedChatTemplate = gen::Lora.Generators.Files.ParsedChatTemplate;

namespace Lora.Generators.Tests.Units;

/// <summary>
/// The chat-template engine inside the generator is the runtime's source compiled for netstandard2.0 (with Polyfills/):
/// read through the generator's own file reader and JSON, it renders the runtime's corpus byte for byte as the reference
/// renderer (transformers' Jinja environment) did, errors included.
/// </summary>
public sealed class ChatTemplateEngineTests
{
    // make_expected.sh freezes strftime_now at this time.
    private static readonly DateTime FrozenNow = new(2024, 7, 26, 12, 0, 0);

    private static readonly IReadOnlyDictionary<string, (string Messages, bool[] Flags)> Conversations = LoadConversations();

    public static IEnumerable<object[]> Cases =>
        from template in Directory.GetDirectories(Fixtures.ChatTemplateCorpus).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal)
        from conversation in Conversations
        from flag in conversation.Value.Flags
        select new object[] { template!, conversation.Key, flag };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_generators_engine_renders_the_corpus_like_the_reference(string template, string conversation, bool addGenerationPrompt)
    {
        var folder = Path.Combine(Fixtures.ChatTemplateCorpus, template);
        var model = Load(folder);
        var messages = JsonReader.Parse(Conversations[conversation].Messages).Value!;
        var expectedBase = Path.Combine(folder, "expected", $"{conversation}.{(addGenerationPrompt ? "gen" : "nogen")}");

        if (File.Exists(expectedBase + ".error.txt"))
        {
            var error = Assert.ThrowsAny<ChatTemplateRenderException>(() => model.Render(messages, addGenerationPrompt, now: FrozenNow));
            Assert.Equal(File.ReadAllText(expectedBase + ".error.txt", Encoding.UTF8), error.Message + "\n");
            return;
        }

        Assert.Equal(File.ReadAllText(expectedBase + ".txt", Encoding.UTF8), model.Render(messages, addGenerationPrompt, now: FrozenNow).Text);
    }

    /// <summary>The model's template as the generator builds it: the first file that holds one, parsed; the special tokens of tokenizer_config.json.</summary>
    private static ModelChatTemplate Load(string folder)
    {
        var files = ChatTemplateFiles.Names
            .Where(name => File.Exists(Path.Combine(folder, name)))
            .ToDictionary(name => name, name => ChatTemplateFiles.Read(name, File.ReadAllText(Path.Combine(folder, name))));
        var source = ChatTemplateFiles.Names.Where(files.ContainsKey).Select(name => files[name]).First(f => f.HasTemplate);
        var named = source.Templates.ToDictionary(t => t.Name, t => ParsedChatTemplate.Parse(t.Text).Template!);
        var config = files.GetValueOrDefault(ChatTemplateFiles.TokenizerConfig);
        return new ModelChatTemplate(named[source.Main!.Name], named, config?.SpecialTokenVariables() ?? new Dictionary<string, object?>(), folder);
    }

    private static Dictionary<string, (string, bool[])> LoadConversations()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures.ChatTemplateCorpus, "conversations.json")));
        return document.RootElement.EnumerateArray().ToDictionary(
            c => c.GetProperty("id").GetString()!,
            c => (c.GetProperty("messages").GetRawText(), c.GetProperty("add_generation_prompt").EnumerateArray().Select(f => f.GetBoolean()).ToArray()));
    }
}
