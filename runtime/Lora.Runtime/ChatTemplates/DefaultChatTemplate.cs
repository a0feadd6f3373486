namespace Lora.Runtime.ChatTemplates;

/// <summary>
/// The chat template used for a model folder that has none (a base model's): ChatML, the format of Qwen2.5's template
/// without its tools and default system message. The generator warns (LORA0070) when a Chat dataset would fall back
/// to it.
/// </summary>
public static class DefaultChatTemplate
{
    /// <summary>
    /// <c>&lt;|im_start|&gt;{role}\n{content}&lt;|im_end|&gt;\n</c> per message, and <c>&lt;|im_start|&gt;assistant\n</c> as the
    /// generation prompt.
    /// </summary>
    public const string ChatMl =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
        + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
}
