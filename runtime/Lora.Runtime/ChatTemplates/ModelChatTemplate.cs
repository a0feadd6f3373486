namespace Lora.Runtime.ChatTemplates;

/// <summary>
/// A model's chat template with the variables transformers passes besides the conversation: the special tokens
/// that are set (<c>bos_token</c>, <c>eos_token</c>, …), <c>tools=None</c>, <c>documents=None</c>. Renders what
/// <c>tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=…)</c> returns.
/// </summary>
public sealed class ModelChatTemplate
{
    private readonly IReadOnlyDictionary<string, ChatTemplate> _named;

    internal ModelChatTemplate(ChatTemplate template, IReadOnlyDictionary<string, ChatTemplate> named, IReadOnlyDictionary<string, object?> specialTokens,
        string source)
    {
        Template = template;
        Source = source;
        _named = named;
        SpecialTokens = specialTokens;
    }

    /// <summary>The template used without tools (the only one, or the one named "default").</summary>
    public ChatTemplate Template { get; }

    /// <summary>The file the template was read from (or what else it came from), for messages.</summary>
    public string Source { get; }

    /// <summary>Special tokens passed as variables, in transformers' order; an AddedToken contributes its content.</summary>
    public IReadOnlyDictionary<string, object?> SpecialTokens { get; }

    /// <summary>
    /// Renders <paramref name="messages"/> (a JSON array of {role, content, …} or .NET lists/dictionaries).
    /// <paramref name="tools"/> selects a template named "tool_use" when the model has one.
    /// </summary>
    public ChatTemplateRendering Render(object messages, bool addGenerationPrompt, object? tools = null, object? documents = null, DateTime? now = null)
    {
        var template = tools is not null && _named.TryGetValue("tool_use", out var toolUse) ? toolUse : Template;
        var variables = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["messages"] = messages,
            ["tools"] = tools,
            ["documents"] = documents,
            ["add_generation_prompt"] = addGenerationPrompt,
        };
        foreach (var (name, value) in SpecialTokens)
            variables[name] = value;
        return template.Render(variables, now);
    }
}
