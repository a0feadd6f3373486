using Lora.Generators.Tests.Infrastructure;

namespace Lora.Generators.Tests.Rules;

/// <summary>LORA0070–0072: a Chat dataset against the base model's chat template, checked with the runtime's engine.</summary>
public sealed class ChatTemplateRuleTests
{
    private const string ChatDataset = "[Dataset(\"data/chat.jsonl\", Format = DatasetFormat.Chat, MaxLength = 128)]";

    // Llama 2's template: bos_token and eos_token from tokenizer_config.json, and roles that must alternate.
    private static readonly string Llama2Config = Fixtures.CorpusFile("llama2", "tokenizer_config.json");

    private static string Row(params string[] roles) =>
        "{\"messages\": [" + string.Join(", ", roles.Select((r, i) => "{\"role\": \"" + r + "\", \"content\": \"turn " + i + "\"}")) + "]}";

    private static string NamedTemplates(string templates) => "{\"bos_token\": \"<s>\", \"chat_template\": " + templates + "}";

    [Fact]
    public void LORA0070_chat_dataset_on_a_model_folder_without_a_template()
    {
        var run = new TestProject().Verify(Experiments.With("[Dataset(\"data/chat.jsonl\", {|LORA0070:Format = DatasetFormat.Chat|}, MaxLength = 128)]"));
        var diagnostic = run.Single;
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal(
            "Format = DatasetFormat.Chat, but base model 'models/tiny-llama' has no chat template (no chat_template.jinja, chat_template.json or \"chat_template\" "
            + "in tokenizer_config.json in 'models/tiny-llama'); the runtime renders the conversations with the default ChatML template ('<|im_start|>' role, content, "
            + "'<|im_end|>' per message), which this model was not trained on. Use an instruct model's folder, or add the chat_template.jinja the model should learn to its folder.",
            diagnostic.GetMessage());
    }

    [Fact]
    public void LORA0070_chat_dataset_on_a_built_in_model()
    {
        var run = new TestProject().Verify(Experiments.With("[BaseModel(\"lora-tiny-en\")]", "[Dataset(\"data/chat.jsonl\", {|LORA0070:Format = DatasetFormat.Chat|}, MaxLength = 128)]"));
        Assert.Contains("but built-in model 'lora-tiny-en' has no chat template (Lora.Sdk ships it without one)", run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void LORA0070_tokenizer_config_without_a_template_is_no_template()
    {
        new TestProject()
            .WithFile("models/tiny-llama/tokenizer_config.json", "{\"bos_token\": \"<s>\", \"chat_template\": null}")
            .Verify(Experiments.With("[Dataset(\"data/chat.jsonl\", {|LORA0070:Format = DatasetFormat.Chat|}, MaxLength = 128)]"));
    }

    [Fact]
    public void LORA0070_not_reported_for_other_formats_on_a_model_without_a_template()
    {
        new TestProject().Verify(Experiments.With("[Dataset(\"data/text.jsonl\", Format = DatasetFormat.Jsonl, MaxLength = 128)]"));
    }

    [Fact]
    public void No_diagnostic_for_a_good_template_and_rows_that_follow_it()
    {
        // Llama 2's template needs bos_token and eos_token: it renders only when the special tokens are passed.
        new TestProject()
            .WithFile("models/tiny-llama/tokenizer_config.json", Llama2Config)
            .WithFile("data/chat.jsonl", Fixtures.Lines(Row("user", "assistant"), Row("system", "user", "assistant", "user", "assistant")))
            .Verify(Experiments.With(ChatDataset));
    }

    [Fact]
    public void No_diagnostic_for_added_token_objects_and_named_templates_with_a_default()
    {
        var config = """
            {"bos_token": {"__type": "AddedToken", "content": "<s>", "lstrip": false}, "eos_token": "</s>",
             "chat_template": [{"name": "default", "template": "{% for m in messages %}{{ bos_token + m['content'] + eos_token }}{% endfor %}"},
                               {"name": "tool_use", "template": "{{ tools | length }}"}]}
            """;
        new TestProject()
            .WithFile("models/tiny-llama/tokenizer_config.json", config)
            .Verify(Experiments.With(ChatDataset));
    }

    [Fact]
    public void The_jinja_file_takes_precedence_over_the_other_two()
    {
        new TestProject()
            .WithChatTemplate()
            .WithFile("models/tiny-llama/chat_template.json", "{\"chat_template\": \"{{ raise_exception('the json file was used') }}\"}")
            .WithFile("models/tiny-llama/tokenizer_config.json", "{\"chat_template\": \"{{ raise_exception('tokenizer_config.json was used') }}\"}")
            .Verify(Experiments.With(ChatDataset));
    }

    [Fact]
    public void The_json_file_takes_precedence_over_tokenizer_config()
    {
        var run = new TestProject()
            .WithFile("models/tiny-llama/chat_template.json", "{\"chat_template\": \"{{ raise_exception('the json file was used') }}\"}")
            .WithFile("models/tiny-llama/tokenizer_config.json", "{\"chat_template\": \"{{ raise_exception('tokenizer_config.json was used') }}\"}")
            .Verify(Experiments.With("[Dataset({|LORA0072:\"data/chat.jsonl\"|}, Format = DatasetFormat.Chat, MaxLength = 128)]"));
        Assert.Contains("the json file was used", run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void LORA0071_template_that_does_not_parse_names_the_file_line_and_column()
    {
        var run = new TestProject()
            .WithChatTemplate(template: "{% for message in messages %}\n  {{ message['content'] | shout }}\n{% endfor %}")
            .Verify(Experiments.With("[BaseModel({|LORA0071:\"models/tiny-llama\"|})]", ChatDataset));
        Assert.Equal(
            "The chat template of base model 'models/tiny-llama' cannot be used: line 2, column 27 of the template in 'models/tiny-llama/chat_template.jinja': "
            + "filter 'shout' is not supported; the runtime refuses it when it loads the model for the Chat dataset. Fix the template (docs/chat-templates.md "
            + "lists the Jinja it supports), or use another model.",
            run.Single.GetMessage());
    }

    [Fact]
    public void LORA0071_unsupported_feature_in_a_named_template_names_the_template()
    {
        var config = NamedTemplates("""[{"name": "default", "template": "{{ messages[0]['content'] }}"}, {"name": "tool_use", "template": "{% include 'tools.jinja' %}"}]""");
        var run = new TestProject()
            .WithFile("models/tiny-llama/tokenizer_config.json", config)
            .Verify(Experiments.With("[BaseModel({|LORA0071:\"models/tiny-llama\"|})]", ChatDataset));
        Assert.Contains(
            "cannot be used: line 1, column 4 of template 'tool_use' in 'models/tiny-llama/tokenizer_config.json': 'include' statements are not supported",
            run.Single.GetMessage(),
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tokenizer_config.json", "{\"chat_template\": [{\"name\": \"a\", \"template\": \"x\"}, {\"name\": \"b\", \"template\": \"y\"}]}",
        "'models/tiny-llama/tokenizer_config.json' has multiple chat templates and no 'default': ['a', 'b']")]
    [InlineData("tokenizer_config.json", "{\"chat_template\": 3}",
        "'models/tiny-llama/tokenizer_config.json' has a \"chat_template\" that is neither a string nor a list of named templates")]
    [InlineData("tokenizer_config.json", "{\"chat_template\": \"x\",",
        "'models/tiny-llama/tokenizer_config.json' is not valid JSON")]
    [InlineData("chat_template.json", "{\"template\": \"x\"}", "'models/tiny-llama/chat_template.json' has no \"chat_template\"")]
    public void LORA0071_template_files_the_runtime_cannot_load(string file, string text, string message)
    {
        var run = new TestProject()
            .WithFile("models/tiny-llama/" + file, text)
            .Verify(Experiments.With("[BaseModel({|LORA0071:\"models/tiny-llama\"|})]", ChatDataset));
        Assert.Contains("The chat template of base model 'models/tiny-llama' cannot be used: " + message, run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void LORA0071_not_reported_when_the_dataset_is_not_chat()
    {
        new TestProject().WithChatTemplate(template: "{% include 'x' %}").Verify(Experiments.With());
    }

    [Fact]
    public void LORA0072_roles_the_template_refuses_are_reported_at_their_line_with_the_templates_message()
    {
        var run = new TestProject()
            .WithFile("models/tiny-llama/tokenizer_config.json", Llama2Config)
            .WithFile("data/chat.jsonl", Fixtures.Lines(Row("user", "assistant"), "", Row("user", "user", "assistant"), Row("assistant")))
            .Verify(Experiments.With("[Dataset({|LORA0072:\"data/chat.jsonl\"|}, Format = DatasetFormat.Chat, MaxLength = 128)]"));
        Assert.Equal(
            "Line 3 of 'data/chat.jsonl': the chat template of base model 'models/tiny-llama' refuses the conversation: Conversation roles must alternate "
            + "user/assistant/user/assistant/...; the runtime stops at this row. Change the row's messages to what the template accepts, or use a model whose template accepts them.",
            run.Single.GetMessage());
    }

    [Fact]
    public void LORA0072_a_system_role_the_template_refuses()
    {
        var run = new TestProject()
            .WithFile("models/tiny-llama/tokenizer_config.json", Fixtures.CorpusFile("gemma2", "tokenizer_config.json"))
            .WithFile("data/chat.jsonl", Fixtures.Lines(Row("user", "assistant"), Row("system", "user", "assistant")))
            .Verify(Experiments.With("[Dataset({|LORA0072:\"data/chat.jsonl\"|}, Format = DatasetFormat.Chat, MaxLength = 128)]"));
        Assert.Contains("Line 2 of 'data/chat.jsonl': the chat template of base model 'models/tiny-llama' refuses the conversation: System role not supported", run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void LORA0072_the_evaluation_file_is_rendered_too()
    {
        new TestProject()
            .WithFile("models/tiny-llama/tokenizer_config.json", Llama2Config)
            .WithFile("data/eval.jsonl", Fixtures.Lines(Row("assistant", "user")))
            .Verify(Experiments.With("[Dataset(\"data/chat.jsonl\", Format = DatasetFormat.Chat, MaxLength = 128, {|LORA0072:EvalPath = \"data/eval.jsonl\"|})]"));
    }

    [Fact]
    public void LORA0072_a_template_that_fails_otherwise_is_named_as_failing_on_the_row()
    {
        var run = new TestProject()
            .WithChatTemplate(template: "{% for m in messages %}{{ m['content'] + m['turns'] }}{% endfor %}")
            .Verify(Experiments.With("[Dataset({|LORA0072:\"data/chat.jsonl\"|}, Format = DatasetFormat.Chat, MaxLength = 128)]"));
        Assert.StartsWith("Line 1 of 'data/chat.jsonl': the chat template of base model 'models/tiny-llama' fails on the conversation: ", run.Single.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("the runtime stops at this row. The template cannot render this row", run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void LORA0072_a_macro_that_recurses_without_end_fails_the_row_instead_of_the_compiler()
    {
        var run = new TestProject()
            .WithChatTemplate(template: "{% macro again(n) %}{{ again(n + 1) }}{% endmacro %}{{ again(0) }}")
            .Verify(Experiments.With("[Dataset({|LORA0072:\"data/chat.jsonl\"|}, Format = DatasetFormat.Chat, MaxLength = 128)]"));
        Assert.Contains("fails on the conversation: maximum recursion depth exceeded", run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void LORA0072_not_reported_for_rows_already_reported_as_malformed()
    {
        new TestProject()
            .WithFile("models/tiny-llama/tokenizer_config.json", Llama2Config)
            .WithFile("data/chat.jsonl", Fixtures.Lines(Row("user", "assistant"), """{"messages": [{"role": "user"}]}"""))
            .Verify(Experiments.With("[Dataset({|LORA0052:\"data/chat.jsonl\"|}, Format = DatasetFormat.Chat, MaxLength = 128)]"));
    }

    [Fact]
    public void The_template_files_of_a_model_outside_the_project_are_found_beside_its_config()
    {
        new TestProject()
            .WithFile("../models/llama/config.json", Fixtures.TinyLlamaConfig)
            .WithFile("../models/llama/tokenizer_config.json", Llama2Config)
            .WithFile("data/chat.jsonl", Fixtures.Lines(Row("user", "user")))
            .Verify(Experiments.With("[BaseModel(\"../models/llama/config.json\")]", "[Dataset({|LORA0072:\"data/chat.jsonl\"|}, Format = DatasetFormat.Chat, MaxLength = 128)]"));
    }
}
