using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Lora.Runtime.ChatTemplates;

namespace Lora.Runtime.MicroBenchmarks;

/// <summary>
/// Rendering a parsed chat template over the six-turn conversation of ../shared/chat-templates/conversations.json
/// (long_multi_turn: a system message, three user/assistant exchanges and a last user message) with the generation
/// prompt, as training and evaluation render each row: issue 16 asks for under 1 ms. The templates are the test
/// corpus's (tests/Lora.Runtime.Tests/ChatTemplates/Corpus), and the setup checks the rendering against render.py's.
/// </summary>
public class ChatTemplateBenchmarks
{
    [Params("llama3_1", "qwen2_5", "gemma3", "phi4", "feature_mix")]
    public string Template { get; set; } = "";

    ModelChatTemplate _template = null!;
    JsonElement _messages;
    static readonly DateTime Date = new(2024, 7, 26);

    [GlobalSetup]
    public void Setup()
    {
        var corpus = Path.Combine(RepositoryRoot(), "tests", "Lora.Runtime.Tests", "ChatTemplates", "Corpus");
        _template = ChatTemplateLoader.Load(Path.Combine(corpus, Template));
        using var conversations = JsonDocument.Parse(File.ReadAllText(Path.Combine(corpus, "conversations.json")));
        _messages = conversations.RootElement.EnumerateArray().Single(c => c.GetProperty("id").GetString() == "long_multi_turn").GetProperty("messages").Clone();
        var expected = File.ReadAllText(Path.Combine(corpus, Template, "expected", "long_multi_turn.gen.txt"));
        if (Render() != expected) throw new InvalidOperationException($"{Template}: the rendering differs from render.py's.");
    }

    [Benchmark]
    public string Render() => _template.Render(_messages, addGenerationPrompt: true, now: Date).Text;

    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Lora.Sdk.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Lora.Sdk.sln not found above " + AppContext.BaseDirectory);
    }
}
