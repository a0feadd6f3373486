using System.Text.Json;
using System.Text.Json.Nodes;
using Lora.Cli;
using Lora.Runtime.Data;
using Lora.Runtime.Tests.ChatTemplates;
using Lora.Runtime.Tokenization;

namespace Lora.Runtime.Tests.Cli;

/// <summary>
/// <c>lora chat-template</c>: the rendered text on stdout byte for byte (checked against the reference renderer's output
/// for corpus templates), the generation prompt, a fixed date, the template's own refusal (exit 3), template and input
/// errors, the default ChatML template, and <c>--tokens</c> with the loss mask training uses.
/// </summary>
public sealed class ChatTemplateCommandTests : IDisposable
{
    // Markers as special tokens, ids from 300 (the byte-level tokenizer's ids below 256 are one byte each).
    static readonly string[] Markers = ["<bos>", "<eos>", "<|im_start|>", "<|im_end|>"];
    const int ImStart = 302, ImEnd = 303;

    // ChatML without generation blocks: training finds the assistant's text by rendering prefixes.
    const string ChatMl = """
        {%- for m in messages -%}
        {{- '<|im_start|>' + m.role + '\n' + m.content + '<|im_end|>' -}}
        {%- if not loop.last or add_generation_prompt -%}{{- '\n' -}}{%- endif -%}
        {%- endfor -%}
        {%- if add_generation_prompt -%}{{- '<|im_start|>assistant\n' -}}{%- endif -%}
        """;

    const string Conversation = """
        [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"},
         {"role": "user", "content": "How are you?"}, {"role": "assistant", "content": "Fine."}]
        """;

    readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>A model folder: special tokens in tokenizer_config.json, the template as chat_template.jinja (none when null),
    /// and the byte-level tokenizer unless left out.</summary>
    string Model(string? template, bool tokenizer = true)
    {
        var folder = _folder.Child("model");
        Directory.CreateDirectory(folder);
        if (tokenizer) SmallByteLevelTokenizer.WriteTo(folder);
        var decoder = new JsonObject();
        for (int i = 0; i < Markers.Length; i++) decoder[(300 + i).ToString()] = new JsonObject { ["content"] = Markers[i], ["special"] = true };
        var config = new JsonObject { ["bos_token"] = "<bos>", ["eos_token"] = "<eos>", ["added_tokens_decoder"] = decoder };
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), config.ToJsonString());
        if (template is not null) File.WriteAllText(Path.Combine(folder, "chat_template.jinja"), template);
        return folder;
    }

    string Messages(string json, string name = "messages.json")
    {
        var path = _folder.File(name);
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Prints_the_rendered_text_exactly_with_no_newline_added_and_unicode_kept()
    {
        var model = Model(ChatMl);
        var messages = Messages("""[{"role": "user", "content": "Grüße, 世界 🙂\r\n\ttab"}, {"role": "assistant", "content": "Ça va ✓"}]""");

        var run = CliRun.Of("chat-template", "--model", model, "--messages", messages).AssertSucceeded();

        Assert.Equal("<|im_start|>user\nGrüße, 世界 🙂\r\n\ttab<|im_end|>\n<|im_start|>assistant\nÇa va ✓<|im_end|>", run.Stdout);
        Assert.Equal("", run.Stderr);
    }

    [Fact]
    public void Add_generation_prompt_ends_with_the_prompt_a_reply_is_generated_from()
    {
        var model = Model(ChatMl);

        var run = CliRun.Of("chat-template", "--model", model, "--messages", Messages("""[{"role": "user", "content": "Hi"}]"""),
                            "--add-generation-prompt").AssertSucceeded();

        Assert.Equal("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", run.Stdout);
    }

    [Theory]
    [InlineData("llama3_1", "unicode_escapes", true)]
    [InlineData("llama3_1", "unicode_escapes", false)]
    [InlineData("qwen2_5", "multi_turn", true)]
    [InlineData("phi3", "assistant_last", false)]
    public void Corpus_templates_print_what_the_reference_renderer_prints(string template, string conversation, bool addGenerationPrompt)
    {
        // The corpus folders hold tokenizer_config.json only: the text needs no tokenizer. llama3_1 writes strftime_now's date.
        var model = Path.Combine(ChatTemplateCorpus.Root, template);
        var messages = Messages(ChatTemplateCorpus.Conversations[conversation].Messages.GetRawText());
        string[] flag = addGenerationPrompt ? ["--add-generation-prompt"] : [];

        var run = CliRun.Of(["chat-template", "--model", model, "--messages", messages, "--date", "2024-07-26", .. flag]).AssertSucceeded();

        var expected = Path.Combine(model, "expected", $"{conversation}.{(addGenerationPrompt ? "gen" : "nogen")}.txt");
        Assert.Equal(File.ReadAllText(expected), run.Stdout);
    }

    [Fact]
    public void Date_fixes_strftime_now_and_the_default_is_today_at_midnight_as_training_renders()
    {
        var model = Model("{{- strftime_now('%Y-%m-%d %H:%M') -}}");
        var messages = Messages(Conversation);

        var fixedDay = CliRun.Of("chat-template", "--model", model, "--messages", messages, "--date", "2031-02-03").AssertSucceeded();
        var before = DateTime.Today;
        var today = CliRun.Of("chat-template", "--model", model, "--messages", messages).AssertSucceeded();
        var after = DateTime.Today;

        Assert.Equal("2031-02-03 00:00", fixedDay.Stdout);
        Assert.Contains(today.Stdout, new[] { before, after }.Select(d => d.ToString("yyyy-MM-dd 00:00")));
    }

    [Theory]
    [InlineData("2024-13-01")]
    [InlineData("26.07.2024")]
    public void A_date_that_is_not_yyyy_mm_dd_is_a_usage_error(string date)
    {
        var run = CliRun.Of("chat-template", "--model", Model(ChatMl), "--messages", Messages(Conversation), "--date", date);

        run.AssertFailedWith($"--date '{date}': expected a day as YYYY-MM-DD");
        Assert.Equal(CliApp.Failure, run.ExitCode);
    }

    [Fact]
    public void A_template_that_raises_exits_3_with_its_message_on_stderr_and_nothing_on_stdout()
    {
        var model = Model("""
            {%- for m in messages -%}
            {%- if (m.role == 'user') != (loop.index0 % 2 == 0) -%}{{- raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') -}}{%- endif -%}
            {{- m.content -}}
            {%- endfor -%}
            """);

        var run = CliRun.Of("chat-template", "--model", model, "--messages",
                            Messages("""[{"role": "user", "content": "Hi"}, {"role": "user", "content": "Again"}]"""));

        Assert.Equal(CliApp.TemplateRaised, run.ExitCode);
        Assert.Equal(3, run.ExitCode);
        Assert.Equal("lora: chat template: Conversation roles must alternate user/assistant/user/assistant/..." + Environment.NewLine, run.Stderr);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void A_template_raising_with_tokens_exits_3_too()
    {
        var run = CliRun.Of("chat-template", "--model", Model("{{ raise_exception('System role not supported') }}"),
                            "--messages", Messages(Conversation), "--tokens");

        Assert.Equal(CliApp.TemplateRaised, run.ExitCode);
        Assert.Equal("lora: chat template: System role not supported" + Environment.NewLine, run.Stderr);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void A_template_that_does_not_parse_is_an_input_error_naming_the_file_line_and_column()
    {
        var model = Model("{% for m in messages %}\n{{ m.content }\n{% endfor %}");

        var run = CliRun.Of("chat-template", "--model", model, "--messages", Messages(Conversation));

        run.AssertFailedWith("line 2, column 14");
        Assert.Equal(CliApp.Failure, run.ExitCode);
        Assert.Contains(Path.Combine(model, "chat_template.jinja"), run.Stderr);
        Assert.StartsWith("lora: error: the chat template of ", run.Stderr);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void A_template_that_fails_while_rendering_is_an_input_error_naming_the_template_and_the_messages()
    {
        var model = Model("{{ messages[0].content + 1 }}");
        var messages = Messages(Conversation);

        var run = CliRun.Of("chat-template", "--model", model, "--messages", messages);

        run.AssertFailedWith($"the chat template ({Path.Combine(model, "chat_template.jinja")}) fails on {messages}: ");
        Assert.Equal(CliApp.Failure, run.ExitCode);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void A_model_without_a_template_is_rendered_with_the_default_chatml_and_stderr_says_so()
    {
        var model = Model(template: null, tokenizer: false);

        var run = CliRun.Of("chat-template", "--model", model, "--messages", Messages("""[{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Yo"}]"""),
                            "--add-generation-prompt").AssertSucceeded();

        Assert.Equal("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nYo<|im_end|>\n<|im_start|>assistant\n", run.Stdout);
        var note = Assert.Single(run.Stderr.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"lora: note: {model} has no chat template", note);
        Assert.Contains("default ChatML template", note);
    }

    [Fact]
    public void A_chat_dataset_row_renders_as_its_messages_do()
    {
        var model = Model(ChatMl);
        var list = CliRun.Of("chat-template", "--model", model, "--messages", Messages(Conversation)).AssertSucceeded();

        var row = CliRun.Of("chat-template", "--model", model, "--messages",
                            Messages($$"""{"messages": {{Conversation}}, "source": "x"}""", "row.json")).AssertSucceeded();

        Assert.Equal(list.Stdout, row.Stdout);
        Assert.StartsWith("<|im_start|>user\nHi<|im_end|>", row.Stdout);
    }

    /// <summary>The --tokens lines as (id, loss, text).</summary>
    static List<(int Id, bool Loss, string Text)> TokenLines(CliRun run) =>
        run.Stdout.Split('\n').SkipLast(1).Select(line =>
        {
            var fields = line.Split('\t');
            Assert.Equal(3, fields.Length);
            Assert.Contains(fields[1], new[] { "0", "1" });
            return (int.Parse(fields[0]), fields[1] == "1", JsonSerializer.Deserialize<string>(fields[2])!);
        }).ToList();

    [Fact]
    public void Tokens_prints_each_id_with_the_loss_mask_training_uses_and_its_text()
    {
        var model = Model(ChatMl);
        var messages = Messages(Conversation);

        var run = CliRun.Of("chat-template", "--model", model, "--messages", messages, "--tokens", "--date", "2024-07-26").AssertSucceeded();
        var lines = TokenLines(run);

        Assert.EndsWith("\n", run.Stdout);
        var training = ChatFormat.Load(model, ModelTokenizer.Load(model), new DateTime(2024, 7, 26))
            .Tokenize(JsonNode.Parse(Conversation)!.AsArray(), "test", everyToken: false);
        Assert.Equal(training.Ids, lines.Select(l => l.Id));
        Assert.Equal(training.Assistant, lines.Select(l => l.Loss));
        // The texts read back as the rendering; the loss is on each reply and its end-of-turn marker.
        var text = CliRun.Of("chat-template", "--model", model, "--messages", messages).AssertSucceeded().Stdout;
        Assert.Equal(text, string.Concat(lines.Select(l => l.Text)));
        Assert.Equal(["Hello!<|im_end|>", "Fine.<|im_end|>"], Stretches(lines));
        Assert.Equal((ImStart, false, "<|im_start|>"), lines[0]);
        Assert.Equal((ImEnd, true, "<|im_end|>"), lines[^1]);
    }

    static List<string> Stretches(List<(int Id, bool Loss, string Text)> lines)
    {
        var stretches = new List<string>();
        for (int i = 0; i < lines.Count; i++)
        {
            if (!lines[i].Loss) continue;
            if (i == 0 || !lines[i - 1].Loss) stretches.Add("");
            stretches[^1] += lines[i].Text;
        }
        return stretches;
    }

    [Fact]
    public void Tokens_escape_control_characters_and_show_a_partial_character_as_the_replacement_character()
    {
        var model = Model("{{- messages[0].content -}}");

        var run = CliRun.Of("chat-template", "--model", model, "--messages", Messages("""[{"role": "user", "content": "a\t\"é"}]"""), "--tokens")
            .AssertSucceeded();

        // One byte per token: 'é' is two UTF-8 bytes, neither a character on its own.
        var ids = ModelTokenizer.Load(model).Encode("a\t\"", addBos: false);
        Assert.StartsWith($"{ids[0]}\t0\t\"a\"\n{ids[1]}\t0\t\"\\t\"\n{ids[2]}\t0\t\"\\\"\"\n", run.Stdout);
        var lines = TokenLines(run);
        Assert.Equal(["a", "\t", "\"", "\uFFFD", "\uFFFD"], lines.Select(l => l.Text));
    }

    [Fact]
    public void Tokens_with_the_generation_prompt_prints_the_ids_generation_starts_from_none_carrying_loss()
    {
        var model = Model(ChatMl);
        var messages = Messages("""[{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}, {"role": "user", "content": "Bye"}]""");

        var run = CliRun.Of("chat-template", "--model", model, "--messages", messages, "--tokens", "--add-generation-prompt").AssertSucceeded();
        var lines = TokenLines(run);

        var text = CliRun.Of("chat-template", "--model", model, "--messages", messages, "--add-generation-prompt").AssertSucceeded().Stdout;
        Assert.Equal(ModelTokenizer.Load(model).Encode(text, addBos: false), lines.Select(l => l.Id));
        Assert.All(lines, l => Assert.False(l.Loss));
        Assert.EndsWith("<|im_start|>assistant\n", text);
        Assert.Equal(text, string.Concat(lines.Select(l => l.Text)));
        Assert.Equal(ImStart, lines[^11].Id);   // <|im_start|> then "assistant\n", one byte each
    }

    [Fact]
    public void Tokens_needs_the_models_tokenizer()
    {
        var run = CliRun.Of("chat-template", "--model", Model(ChatMl, tokenizer: false), "--messages", Messages(Conversation), "--tokens");

        run.AssertFailedWith("--tokens needs the model's tokenizer");
        Assert.Equal("", run.Stdout);
    }

    [Theory]
    [InlineData("[{\"role\": \"user\", \"content\": \"Hi\"", "not valid JSON")]
    [InlineData("{\"role\": \"user\", \"content\": \"Hi\"}", "expected a list of messages")]
    [InlineData("\"Hi\"", "found a string")]
    [InlineData("[]", "the conversation has no messages")]
    [InlineData("[\"Hi\"]", "message 1 is a string; each message is an object with \"role\" and \"content\"")]
    [InlineData("[{\"role\": \"user\", \"content\": \"Hi\"}, {\"content\": \"Yo\"}]", "message 2 has no string \"role\"")]
    [InlineData("[{\"role\": \"user\"}]", "message 1 has no \"content\"")]
    public void A_messages_file_that_is_not_a_conversation_is_an_input_error_naming_it(string json, string problem)
    {
        var messages = Messages(json);

        var run = CliRun.Of("chat-template", "--model", Model(ChatMl), "--messages", messages);

        run.AssertFailedWith($"lora: error: {messages}: ");
        Assert.Contains(problem, run.Stderr);
        Assert.Equal(CliApp.Failure, run.ExitCode);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public void A_missing_messages_file_or_model_folder_is_an_input_error()
    {
        CliRun.Of("chat-template", "--model", Model(ChatMl), "--messages", _folder.File("none.json")).AssertFailedWith("none.json: no such file.");
        CliRun.Of("chat-template", "--model", _folder.Child("nowhere"), "--messages", Messages(Conversation)).AssertFailedWith("nowhere: no such folder.");
    }
}
