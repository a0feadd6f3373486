namespace Lora
{
    /// <summary>
    /// The chat format used for <see cref="DatasetFormat.Chat"/> rows when the base model has no chat template of its own
    /// (no <c>chat_template.jinja</c>, <c>chat_template.json</c> or <c>chat_template</c> in <c>tokenizer_config.json</c>):
    /// ChatML, as Qwen and many fine-tunes use it. The generator warns when an experiment falls back to it; the trained
    /// adapter and the merged model carry it as their <c>chat_template.jinja</c>, so inference sees the same format.
    /// </summary>
    public static class DefaultChatTemplate
    {
        /// <summary>The default template's name in messages.</summary>
        public const string Name = "ChatML";

        /// <summary>
        /// Each message as <c>&lt;|im_start|&gt;{role}\n{content}&lt;|im_end|&gt;\n</c>; the generation prompt is
        /// <c>&lt;|im_start|&gt;assistant\n</c>. Assistant turns sit in <c>{% generation %}</c> blocks (content and
        /// <c>&lt;|im_end|&gt;</c>), which is what the loss covers.
        /// </summary>
        public const string ChatMl =
            "{% for message in messages %}" +
            "{{ '<|im_start|>' + message['role'] + '\\n' }}" +
            "{% if message['role'] == 'assistant' %}{% generation %}{{ message['content'] + '<|im_end|>' }}{% endgeneration %}{{ '\\n' }}" +
            "{% else %}{{ message['content'] + '<|im_end|>' + '\\n' }}{% endif %}" +
            "{% endfor %}" +
            "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
    }
}
