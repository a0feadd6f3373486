using System.Text;
using Lora.Runtime.ChatTemplates;

namespace Lora.Runtime.Tests.ChatTemplates;

/// <summary>Every corpus case renders byte for byte as transformers' environment does (render.py), errors included.</summary>
public sealed class ChatTemplatesCorpusTests
{
    public static IEnumerable<object[]> Cases => ChatTemplateCorpus.Cases;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Renders_like_the_reference(string template, string conversation, bool addGenerationPrompt)
    {
        var folder = Path.Combine(ChatTemplateCorpus.Root, template);
        var expectedBase = Path.Combine(folder, "expected", $"{conversation}.{(addGenerationPrompt ? "gen" : "nogen")}");
        var model = ChatTemplateLoader.Load(folder);
        var messages = ChatTemplateCorpus.Conversations[conversation].Messages;

        if (File.Exists(expectedBase + ".error.txt"))
        {
            // render.py prints the template's message and a newline on stderr.
            var expectedError = File.ReadAllText(expectedBase + ".error.txt", Encoding.UTF8);
            var error = Assert.ThrowsAny<ChatTemplateRenderException>(
                () => model.Render(messages, addGenerationPrompt, now: ChatTemplateCorpus.FrozenNow));
            Assert.Equal(expectedError, error.Message + "\n");
            return;
        }

        var expected = File.ReadAllText(expectedBase + ".txt", Encoding.UTF8);
        var rendering = model.Render(messages, addGenerationPrompt, now: ChatTemplateCorpus.FrozenNow);
        Assert.Equal(expected, rendering.Text);
    }

    [Fact]
    public void The_corpus_has_at_least_twelve_templates_and_every_case_has_an_expected_file()
    {
        Assert.True(ChatTemplateCorpus.Templates.Count() >= 12);
        foreach (var (template, conversation, flag) in ChatTemplateCorpus.Cases.Select(c => ((string)c[0], (string)c[1], (bool)c[2])))
        {
            var expectedBase = Path.Combine(ChatTemplateCorpus.Root, template, "expected", $"{conversation}.{(flag ? "gen" : "nogen")}");
            Assert.True(File.Exists(expectedBase + ".txt") || File.Exists(expectedBase + ".error.txt"), $"no expected file for {expectedBase}");
        }
    }

    [Fact]
    public void Generation_spans_cover_exactly_the_assistant_turns()
    {
        var model = ChatTemplateLoader.Load(Path.Combine(ChatTemplateCorpus.Root, "assistant_mask"));
        var messages = ChatTemplateCorpus.Conversations["long_multi_turn"].Messages;
        var rendering = model.Render(messages, addGenerationPrompt: false, now: ChatTemplateCorpus.FrozenNow);

        var assistantContents = messages.EnumerateArray()
            .Where(m => m.GetProperty("role").GetString() == "assistant")
            .Select(m => m.GetProperty("content").GetString()!.Trim() + "<|end|>")
            .ToList();
        var spans = rendering.GenerationSpans.Select(s => rendering.Text[s.Start..s.End]).ToList();
        Assert.Equal(assistantContents, spans);
    }
}
