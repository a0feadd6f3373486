using Lora.Runtime.ChatTemplates;

namespace Lora.Runtime.Tests.ChatTemplates;

/// <summary>The ChatML template used for a model folder without one, and which built-in models have their own.</summary>
public sealed class DefaultChatTemplateTests
{
    [Fact]
    public void ChatMl_wraps_each_message_and_prompts_the_assistant()
    {
        var messages = new List<object?>
        {
            new Dictionary<string, object?> { ["role"] = "system", ["content"] = "Be brief." },
            new Dictionary<string, object?> { ["role"] = "user", ["content"] = "Hi" },
        };
        var template = ChatTemplate.Parse(Lora.DefaultChatTemplate.ChatMl);
        Assert.Equal(
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
            template.Render(new Dictionary<string, object?> { ["messages"] = messages, ["add_generation_prompt"] = true }).Text);
        Assert.Equal(
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n",
            template.Render(new Dictionary<string, object?> { ["messages"] = messages, ["add_generation_prompt"] = false }).Text);
    }

    /// <summary>The generator warns about Chat datasets on built-in models by this flag (LORA0070); it must agree with the folders shipped.</summary>
    [Fact]
    public void Each_built_in_model_says_whether_its_folder_has_a_chat_template()
    {
        foreach (var model in BuiltInModels.All)
        {
            var folder = Path.Combine(RepoPaths.RepoRoot, "runtime", "Lora.Runtime", "models", model.Name);
            Assert.True(File.Exists(Path.Combine(folder, "config.json")), folder);
            Assert.Equal(ChatTemplateLoader.HasChatTemplate(folder), model.HasChatTemplate);
        }
    }
}
