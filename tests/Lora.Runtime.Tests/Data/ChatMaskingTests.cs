using System.Text.Json;
using System.Text.Json.Nodes;
using Lora.Runtime.Data;
using Lora.Runtime.Tokenization;
using static Lora.Runtime.Tests.Data.DataRows;

namespace Lora.Runtime.Tests.Data;

/// <summary>
/// Exactly which tokens of a three-turn conversation carry loss under three chat formats written in the styles of
/// ChatML (Qwen), Llama 3 and Gemma, each with and without <c>{% generation %}</c> blocks: the assistant's replies and
/// the template's end-of-turn marker after each, nothing else. The tokenizer is byte-level (one id per character, ids
/// below 256) with the templates' markers as special tokens (ids 300 and up), so each loss-carrying stretch reads back
/// exactly as text.
/// </summary>
public sealed class ChatMaskingTests : IDisposable
{
    const int Bos = 300, Eos = 301;

    // A special token per marker; ids from 300, in this order.
    static readonly string[] Markers =
    [
        "<bos>", "<eos>", "<|im_start|>", "<|im_end|>", "<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>",
        "<start_of_turn>", "<end_of_turn>",
    ];

    const string Conversation = """
        {"messages": [
          {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"},
          {"role": "user", "content": "How are you?"}, {"role": "assistant", "content": "Fine."},
          {"role": "user", "content": "Bye"}, {"role": "assistant", "content": "See you."}]}
        """;

    // ChatML as Qwen writes it: the generation block holds the reply and its <|im_end|>.
    const string ChatMl = """
        {%- for m in messages -%}
        {{- '<|im_start|>' + m.role + '\n' -}}
        {%- if m.role == 'assistant' -%}
        {%- generation -%}{{- m.content + '<|im_end|>' -}}{%- endgeneration -%}{{- '\n' -}}
        {%- else -%}{{- m.content + '<|im_end|>\n' -}}{%- endif -%}
        {%- endfor -%}
        {%- if add_generation_prompt -%}{{- '<|im_start|>assistant\n' -}}{%- endif -%}
        """;

    // Llama 3: BOS once, a header per turn, the content trimmed, <|eot_id|> after each.
    const string Llama3 = """
        {{- bos_token -}}
        {%- for m in messages -%}
        {{- '<|start_header_id|>' + m.role + '<|end_header_id|>\n\n' -}}
        {%- if m.role == 'assistant' -%}{%- generation -%}{{- m.content | trim + '<|eot_id|>' -}}{%- endgeneration -%}
        {%- else -%}{{- m.content | trim + '<|eot_id|>' -}}{%- endif -%}
        {%- endfor -%}
        {%- if add_generation_prompt -%}{{- '<|start_header_id|>assistant<|end_header_id|>\n\n' -}}{%- endif -%}
        """;

    // Gemma: the assistant is "model", roles must alternate; its generation block holds the reply only, not <end_of_turn>.
    const string Gemma = """
        {{- bos_token -}}
        {%- for m in messages -%}
        {%- if (m.role == 'user') != (loop.index0 % 2 == 0) -%}{{- raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') -}}{%- endif -%}
        {%- set role = 'model' if m.role == 'assistant' else m.role -%}
        {{- '<start_of_turn>' + role + '\n' -}}
        {%- if m.role == 'assistant' -%}{%- generation -%}{{- m.content | trim -}}{%- endgeneration -%}
        {%- else -%}{{- m.content | trim -}}{%- endif -%}
        {{- '<end_of_turn>\n' -}}
        {%- endfor -%}
        {%- if add_generation_prompt -%}{{- '<start_of_turn>model\n' -}}{%- endif -%}
        """;

    readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>The same template without its generation blocks: the assistant's text is then found from prefixes.</summary>
    static string WithoutGeneration(string template) =>
        template.Replace("{%- generation -%}", "").Replace("{%- endgeneration -%}", "");

    ChatFormat Format(string? template, string bos = "<bos>", string eos = "<eos>")
    {
        Cli.SmallByteLevelTokenizer.WriteTo(_folder.Path);
        var decoder = new JsonObject();
        for (int i = 0; i < Markers.Length; i++) decoder[(300 + i).ToString()] = new JsonObject { ["content"] = Markers[i], ["special"] = true };
        var config = new JsonObject { ["bos_token"] = bos, ["eos_token"] = eos, ["added_tokens_decoder"] = decoder };
        File.WriteAllText(Path.Combine(_folder.Path, "tokenizer_config.json"), config.ToJsonString());
        File.Delete(Path.Combine(_folder.Path, "chat_template.jinja"));
        if (template is not null) File.WriteAllText(Path.Combine(_folder.Path, "chat_template.jinja"), template);
        return ChatFormat.Load(_folder.Path, ModelTokenizer.Load(_folder.Path), new DateTime(2026, 12, 4));
    }

    TokenizedExample Build(ChatFormat chat, string json = Conversation, bool trainOnInputs = false) =>
        new ExampleBuilder(ModelTokenizer.Load(_folder.Path), Settings(Lora.DatasetFormat.Chat, trainOnInputs: trainOnInputs), chat).Build(Row(json));

    /// <summary>The loss-carrying stretches of an example, each read back as text with its special tokens.</summary>
    List<string> LossStretches(TokenizedExample example)
    {
        var tokenizer = ModelTokenizer.Load(_folder.Path);
        var stretches = new List<string>();
        var run = new List<int>();
        for (int i = 0; i <= example.Labels.Length; i++)
        {
            if (i < example.Labels.Length && example.Labels[i] != Ignore)
            {
                Assert.Equal(example.InputIds[i], example.Labels[i]);
                run.Add(example.InputIds[i]);
            }
            else if (run.Count > 0)
            {
                stretches.Add(tokenizer.Decode(run, skipSpecial: false));
                run.Clear();
            }
        }
        return stretches;
    }

    public static TheoryData<string, bool, string[]> Templates => new()
    {
        { nameof(ChatMl), true, ["Hello!<|im_end|>", "Fine.<|im_end|>", "See you.<|im_end|>"] },
        { nameof(ChatMl), false, ["Hello!<|im_end|>", "Fine.<|im_end|>", "See you.<|im_end|>"] },
        { nameof(Llama3), true, ["Hello!<|eot_id|>", "Fine.<|eot_id|>", "See you.<|eot_id|>"] },
        { nameof(Llama3), false, ["Hello!<|eot_id|>", "Fine.<|eot_id|>", "See you.<|eot_id|>"] },
        // Gemma's blocks leave <end_of_turn> out, so only the replies carry loss; found from prefixes, the marker does too.
        { nameof(Gemma), true, ["Hello!", "Fine.", "See you."] },
        { nameof(Gemma), false, ["Hello!<end_of_turn>", "Fine.<end_of_turn>", "See you.<end_of_turn>"] },
    };

    static string Template(string name) => name switch
    {
        nameof(ChatMl) => ChatMl,
        nameof(Llama3) => Llama3,
        _ => Gemma,
    };

    [Theory]
    [MemberData(nameof(Templates))]
    public void Only_the_assistants_replies_and_their_turn_ends_carry_loss(string name, bool generationBlocks, string[] expected)
    {
        var template = generationBlocks ? Template(name) : WithoutGeneration(Template(name));
        var chat = Format(template);

        var example = Build(chat);

        Assert.Equal(expected, LossStretches(example));
        // The ids are the whole rendering's, with no BOS added beyond the one the template writes.
        var tokenizer = ModelTokenizer.Load(_folder.Path);
        var rendered = tokenizer.Decode(example.InputIds, skipSpecial: false);
        Assert.Equal(name == nameof(ChatMl) ? 0 : 1, example.InputIds.Count(id => id == Bos));
        Assert.Equal(tokenizer.Encode(rendered, addBos: false), example.InputIds);
        Assert.StartsWith(name switch
        {
            nameof(ChatMl) => "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!",
            nameof(Llama3) => "<bos><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>",
            _ => "<bos><start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\nHello!",
        }, rendered);
    }

    [Theory]
    [InlineData(nameof(ChatMl), "<|im_end|>", 303)]
    [InlineData(nameof(Llama3), "<|eot_id|>", 307)]
    [InlineData(nameof(Gemma), "<end_of_turn>", 309)]
    public void Generation_stops_at_the_templates_end_of_turn_token_as_well_as_eos(string name, string endOfTurn, int endOfTurnId)
    {
        var chat = Format(Template(name));

        Assert.Equal(endOfTurn, chat.EndOfTurn);
        Assert.Equal([Eos, endOfTurnId], chat.StopIds);
        Assert.False(chat.IsDefault);
        Assert.EndsWith("chat_template.jinja", chat.Source);
    }

    [Theory]
    [InlineData(nameof(ChatMl), "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\nHow are you?<|im_end|>\n" +
        "<|im_start|>assistant\nFine.<|im_end|>\n<|im_start|>user\nBye<|im_end|>\n<|im_start|>assistant\n")]
    [InlineData(nameof(Gemma), "<bos><start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\nHello!<end_of_turn>\n<start_of_turn>user\nHow are you?<end_of_turn>\n" +
        "<start_of_turn>model\nFine.<end_of_turn>\n<start_of_turn>user\nBye<end_of_turn>\n<start_of_turn>model\n")]
    public void Evaluation_prompts_are_the_conversation_before_the_last_reply_with_the_generation_prompt(string name, string prompt)
    {
        var chat = Format(Template(name));
        var builder = new ExampleBuilder(ModelTokenizer.Load(_folder.Path), Settings(Lora.DatasetFormat.Chat), chat);

        var pair = builder.PromptAndCompletion(Row(Conversation));

        Assert.Equal((prompt, "See you."), pair);
        // The template writes BOS; the prompt's ids add none of their own.
        Assert.Equal(name == nameof(Gemma) ? 1 : 0, builder.EncodePrompt(pair!.Value.Prompt).Count(id => id == Bos));
    }

    [Fact]
    public void A_conversation_that_does_not_end_with_the_assistant_has_no_reference_reply()
    {
        var chat = Format(ChatMl);
        var builder = new ExampleBuilder(ModelTokenizer.Load(_folder.Path), Settings(Lora.DatasetFormat.Chat), chat);

        Assert.Null(builder.PromptAndCompletion(Row("""{"messages": [{"role": "user", "content": "Hi"}]}""")));
    }

    [Fact]
    public void Train_on_inputs_puts_loss_on_every_token_of_the_rendering()
    {
        var example = Build(Format(Llama3), trainOnInputs: true);

        Assert.Equal(example.InputIds.Select(id => (long)id), example.Labels);
    }

    [Fact]
    public void A_model_without_a_template_gets_the_default_chatml_and_stops_at_its_marker_written_as_text()
    {
        // No markers as tokens here: "<|im_end|>" is plain text to this tokenizer, so a reply is cut at its text.
        Cli.SmallByteLevelTokenizer.WriteTo(_folder.Path);
        File.WriteAllText(Path.Combine(_folder.Path, "tokenizer_config.json"), """{"eos_token": "t301"}""");
        var chat = ChatFormat.Load(_folder.Path, ModelTokenizer.Load(_folder.Path), new DateTime(2026, 12, 4));

        Assert.True(chat.IsDefault);
        Assert.Equal(Lora.DefaultChatTemplate.ChatMl, chat.TemplateText);
        Assert.Contains("ChatML", chat.Source);
        Assert.Equal("<|im_end|>", chat.EndOfTurn);
        Assert.Equal([Eos], chat.StopIds);
        Assert.Equal("Fine.", chat.CutAtEndOfTurn("Fine.<|im_end|>\n<|im_start|>user"));
        var example = new ExampleBuilder(ModelTokenizer.Load(_folder.Path), Settings(Lora.DatasetFormat.Chat), chat).Build(Row(Conversation));
        Assert.Equal(["Hello!<|im_end|>", "Fine.<|im_end|>", "See you.<|im_end|>"], LossStretches(example));
    }

    [Fact]
    public void A_conversation_the_template_refuses_is_an_error_naming_the_row_and_the_templates_message()
    {
        var chat = Format(Gemma);

        var error = Assert.Throws<DatasetException>(() => Build(chat,
            """{"messages": [{"role": "user", "content": "Hi"}, {"role": "user", "content": "Again"}, {"role": "assistant", "content": "Yes"}]}"""));

        Assert.StartsWith("train.jsonl:7: the chat template (", error.Message);
        Assert.Contains("Conversation roles must alternate user/assistant/user/assistant/...", error.Message);
    }

    [Fact]
    public void A_template_that_rewrites_earlier_turns_without_generation_blocks_is_an_error_that_says_what_to_do()
    {
        // Earlier replies lose what follows "</think>"… here, earlier replies are dropped when a later one exists.
        const string rewriting = """
            {%- for m in messages -%}
            {%- if m.role != 'assistant' or loop.last -%}{{- '<|im_start|>' + m.role + '\n' + m.content + '<|im_end|>\n' -}}{%- endif -%}
            {%- endfor -%}
            {%- if add_generation_prompt -%}{{- '<|im_start|>assistant\n' -}}{%- endif -%}
            """;
        var chat = Format(rewriting);

        var error = Assert.Throws<DatasetException>(() => Build(chat));

        Assert.StartsWith("train.jsonl:7: the chat template (", error.Message);
        Assert.Contains("{% generation %}", error.Message);
        Assert.Contains("TrainOnInputs", error.Message);
    }
}
