using Lora.Runtime.ChatTemplates;

namespace Lora.Runtime.Tests.ChatTemplates;

/// <summary>Templates that cannot be used are refused at parse time, naming the line and column; template errors at render time are distinct.</summary>
public sealed class ChatTemplatesErrorTests
{
    [Theory]
    [InlineData("{{ x | xmlattr }}", 1, 8, "filter 'xmlattr' is not supported")]
    [InlineData("a\n\n{% for m in messages %}\n  {{ m.content | urlize }}\n{% endfor %}", 4, 18, "filter 'urlize' is not supported")]
    [InlineData("{% if x is escaped %}{% endif %}", 1, 12, "test 'escaped' is not supported")]
    [InlineData("{% include 'other.jinja' %}", 1, 4, "'include' statements are not supported")]
    [InlineData("line one\n{% extends 'base' %}", 2, 4, "'extends' statements are not supported")]
    [InlineData("{% set x = [] %}{% set _ = x.append(1) %}", 1, 30, "method 'append' is not supported")]
    [InlineData("{{ lipsum(2) }}", 1, 10, "function 'lipsum' is not supported")]
    [InlineData("{% for x in y recursive %}{% endfor %}", 1, 15, "recursive for loops are not supported")]
    [InlineData("{% frobnicate %}", 1, 4, "unknown tag 'frobnicate'")]
    [InlineData("{% if true %}never closed", 1, 26, "unexpected end of template, expected 'endif'")]
    [InlineData("{{ 'a' + }}", 1, 10, "unexpected end of print statement")]
    [InlineData("x\n{% break %}", 2, 4, "'break' outside of a loop")]
    [InlineData("{# never closed", 1, 1, "missing end of comment tag")]
    public void A_template_error_names_line_and_column(string template, int line, int column, string problem)
    {
        var error = Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse(template));
        Assert.Equal(line, error.Line);
        Assert.Equal(column, error.Column);
        Assert.StartsWith(problem, error.Problem);
        Assert.StartsWith($"line {line}, column {column}: {problem}", error.Message);
    }

    [Fact]
    public void An_unsupported_feature_in_a_branch_never_taken_is_still_refused_at_load()
    {
        using var folder = new TempFolder();
        File.WriteAllText(Path.Combine(folder.Path, "tokenizer_config.json"),
            """{"chat_template": "{% if false %}{{ messages | xmlattr }}{% endif %}{{ messages[0].content }}"}""");
        var error = Assert.Throws<ChatTemplateException>(() => ChatTemplateLoader.Load(folder.Path));
        Assert.Contains("line 1, column 29: filter 'xmlattr' is not supported", error.Message);
    }

    [Fact]
    public void Nesting_deeper_than_the_stack_allows_is_refused_instead_of_overflowing_it()
    {
        var error = Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse("{{ " + new string('(', 200_000) + "1" + new string(')', 200_000) + " }}"));
        Assert.Equal("the template nests too deeply", error.Problem);
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void A_macro_that_calls_itself_without_end_is_a_render_error_instead_of_a_stack_overflow()
    {
        var template = ChatTemplate.Parse("{% macro again(n) %}{{ again(n + 1) }}{% endmacro %}{{ again(0) }}");
        var error = Assert.ThrowsAny<ChatTemplateRenderException>(() => template.Render(new Dictionary<string, object?>()));
        Assert.Equal("maximum recursion depth exceeded", error.Message);
    }

    [Fact]
    public void Raise_exception_throws_the_templates_message()
    {
        var template = ChatTemplate.Parse("{{ raise_exception('Roles must alternate (' ~ 3 ~ ')') }}");
        var error = Assert.Throws<ChatTemplateRaisedException>(() => template.Render(new Dictionary<string, object?>()));
        Assert.Equal("Roles must alternate (3)", error.Message);
    }

    [Fact]
    public void Using_an_undefined_value_is_a_render_error_with_jinjas_message()
    {
        var template = ChatTemplate.Parse("{{ messages[0].missing.deeper }}");
        var variables = new Dictionary<string, object?> { ["messages"] = new List<object?> { new Dictionary<string, object?> { ["role"] = "user" } } };
        var error = Assert.ThrowsAny<ChatTemplateRenderException>(() => template.Render(variables));
        Assert.IsNotType<ChatTemplateRaisedException>(error);
        Assert.Equal("'dict object' has no attribute 'missing'", error.Message);
    }

    [Theory]
    [InlineData("{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, 2) }}", "macro 'm' takes not more than 1 argument(s)")]
    [InlineData("{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, a=2) }}", "macro 'm' takes no keyword argument 'a'")]
    [InlineData("{% macro m(a) %}{{ a }}{% endmacro %}{% call m(1) %}x{% endcall %}",
        "macro 'm' was invoked with two values for the special caller argument. This is most likely a bug.")]
    public void A_macro_binds_arguments_as_jinja_does(string template, string message)
    {
        var error = Assert.Throws<ChatTemplateRenderException>(() => ChatTemplate.Parse(template).Render(new Dictionary<string, object?>()));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void A_macro_that_reads_varargs_kwargs_and_caller_takes_them()
    {
        var template = ChatTemplate.Parse(
            "{% macro m(a) %}{{ a }}{{ varargs }}{{ kwargs }}{{ caller() if caller is defined else '-' }}{% endmacro %}{{ m(1, 2, k=3) }}|{% call m(0) %}C{% endcall %}");
        Assert.Equal("1(2,){'k': 3}-|0(){}C", template.Render(new Dictionary<string, object?>()).Text);
    }

    [Fact]
    public void Named_templates_use_default_and_tool_use_only_with_tools()
    {
        using var folder = new TempFolder();
        File.WriteAllText(Path.Combine(folder.Path, "tokenizer_config.json"), """
            {"eos_token": {"__type": "AddedToken", "content": "</s>", "special": true},
             "chat_template": [{"name": "tool_use", "template": "tools:{{ tools | length }}"},
                               {"name": "default", "template": "default{{ eos_token }}"}]}
            """);
        var model = ChatTemplateLoader.Load(folder.Path);
        Assert.Equal("default</s>", model.Render(new List<object?>(), addGenerationPrompt: false).Text);
        Assert.Equal("tools:2", model.Render(new List<object?>(), false, tools: new List<object?> { "a", "b" }).Text);
    }

    [Fact]
    public void Named_templates_without_default_are_refused()
    {
        using var folder = new TempFolder();
        File.WriteAllText(Path.Combine(folder.Path, "tokenizer_config.json"),
            """{"chat_template": [{"name": "rag", "template": "r"}, {"name": "tool_use", "template": "t"}]}""");
        var error = Assert.Throws<ChatTemplateException>(() => ChatTemplateLoader.Load(folder.Path));
        Assert.Contains("no 'default'", error.Message);
    }

    [Fact]
    public void A_folder_without_a_template_is_refused()
    {
        using var folder = new TempFolder();
        File.WriteAllText(Path.Combine(folder.Path, "tokenizer_config.json"), """{"eos_token": "</s>", "chat_template": null}""");
        Assert.False(ChatTemplateLoader.HasChatTemplate(folder.Path));
        Assert.Throws<ChatTemplateException>(() => ChatTemplateLoader.Load(folder.Path));
    }

    [Fact]
    public void Strftime_now_uses_the_injected_clock()
    {
        var template = ChatTemplate.Parse("{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%-d %B %Y, %H:%M') }}");
        var text = template.Render(new Dictionary<string, object?>(), new DateTime(2025, 3, 5, 9, 7, 0)).Text;
        Assert.Equal("05 Mar 2025|5 March 2025, 09:07", text);
    }
}
