using System.Text;
using System.Text.Json.Nodes;
using Lora.Runtime.ChatTemplates;
using Microsoft.Extensions.AI;

namespace Lora.Runtime.Chat;

/// <summary>A request's conversation as the model's chat template renders it, with the generation prompt.</summary>
internal static class ChatPrompt
{
    /// <summary>
    /// The prompt text: the messages as {role, content}, each role as its name (system, user, assistant, tool or a role of the
    /// caller's own), each content the message's <see cref="TextContent"/> joined; <paramref name="instructions"/> (ChatOptions'
    /// per-request instructions) go before the first system message's text, or in a system message of their own before the rest.
    /// </summary>
    /// <exception cref="ArgumentException">No messages, or the template refuses the conversation (raise_exception).</exception>
    /// <exception cref="NotSupportedException">A message holds something other than text (an image, a function call).</exception>
    /// <exception cref="InvalidOperationException">The template fails on the conversation.</exception>
    public static string Render(ModelChatTemplate template, IEnumerable<ChatMessage> messages, string? instructions, DateTime now)
    {
        var conversation = Messages(messages, instructions);
        try
        {
            return template.Render(conversation, addGenerationPrompt: true, now: now).Text;
        }
        catch (ChatTemplateRaisedException e)
        {
            throw new ArgumentException($"The chat template ({template.Source}) refuses this conversation: {e.Message}", nameof(messages), e);
        }
        catch (ChatTemplateRenderException e)
        {
            throw new InvalidOperationException($"The chat template ({template.Source}) fails on this conversation: {e.Message}", e);
        }
    }

    internal static JsonArray Messages(IEnumerable<ChatMessage> messages, string? instructions)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var conversation = new JsonArray();
        int index = 0;
        foreach (var message in messages)
        {
            index++;
            if (message is null) throw new ArgumentException($"Message {index} is null.", nameof(messages));
            conversation.Add(new JsonObject { ["role"] = message.Role.Value, ["content"] = Text(message, index) });
        }
        if (conversation.Count == 0) throw new ArgumentException("The conversation has no messages; send at least the user's.", nameof(messages));
        if (!string.IsNullOrEmpty(instructions))
        {
            if (conversation[0]!["role"]!.GetValue<string>() == ChatRole.System.Value)
                conversation[0]!["content"] = instructions + "\n\n" + conversation[0]!["content"]!.GetValue<string>();
            else
                conversation.Insert(0, new JsonObject { ["role"] = ChatRole.System.Value, ["content"] = instructions });
        }
        return conversation;
    }

    static string Text(ChatMessage message, int index)
    {
        var text = new StringBuilder();
        foreach (var content in message.Contents)
        {
            if (content is TextContent part)
                text.Append(part.Text);
            else
                throw new NotSupportedException(
                    $"Message {index} ({message.Role.Value}) holds {content.GetType().Name}; LoraChatClient reads text only (TextContent): " +
                    "the model's chat template is given each message's text.");
        }
        return text.ToString();
    }
}
