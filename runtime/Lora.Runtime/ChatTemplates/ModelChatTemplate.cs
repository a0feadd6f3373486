using System;
using System.Collections.Generic;
using System.Linq;

namespace Lora.Runtime.ChatTemplates;

/// <summary>
/// A model's chat template with the variables transformers passes besides the conversation: the special tokens
/// that are set (<c>bos_token</c>, <c>eos_token</c>, …), <c>tools=None</c>, <c>documents=None</c>. Renders what
/// <c>tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=…)</c> returns.
/// </summary>
public sealed class ModelChatTemplate
{
    /// <summary>PreTrainedTokenizerBase.SPECIAL_TOKENS_ATTRIBUTES, in its order: the special tokens passed as variables when set.</summary>
    internal static readonly string[] SpecialTokenNames =
        ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token", "additional_special_tokens"];

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

    /// <summary>
    /// Which of a model's templates renders without tools: the only one (named ""), else the one named "default".
    /// </summary>
    /// <param name="names">The names of the model's templates ("" for a single template).</param>
    /// <param name="problem">Why none can be chosen; null when one is.</param>
    /// <returns>The chosen name, or null.</returns>
    internal static string? MainTemplateName(ICollection<string> names, out string? problem)
    {
        problem = null;
        if (names.Contains(""))
            return "";
        if (names.Contains("default"))
            return "default";
        problem = $"multiple chat templates and no 'default': [{string.Join(", ", names.OrderBy(n => n, StringComparer.Ordinal).Select(n => $"'{n}'"))}]";
        return null;
    }
}
