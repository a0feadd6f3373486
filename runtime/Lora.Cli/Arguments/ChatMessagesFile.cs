using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lora.Cli.Arguments;

/// <summary>
/// The conversation of <c>lora chat-template --messages</c>: a JSON file holding a list of messages, or an object with
/// <c>"messages"</c> (one row of a Chat dataset); <c>-</c> reads it from standard input. Each message is an object with
/// a string <c>"role"</c> and a <c>"content"</c>, as a Chat dataset row's messages must be for training.
/// </summary>
public static class ChatMessagesFile
{
    /// <summary>The value of --messages that reads standard input.</summary>
    public const string StandardInput = "-";

    /// <summary>The file's messages; a file that is not JSON or not a conversation is a <see cref="CommandInputException"/> naming it.</summary>
    public static JsonArray Read(string path)
    {
        string name = Describe(path);
        string json;
        if (path == StandardInput)
        {
            using var reader = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false));
            json = reader.ReadToEnd();
        }
        else if (File.Exists(path))
            json = File.ReadAllText(path, Encoding.UTF8);
        else
            throw new CommandInputException($"--messages {path}: no such file.");

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new CommandInputException($"{name}: not valid JSON ({e.Message}). Give one conversation: a list of messages, " +
                                            "or one line of a Chat dataset (a .jsonl file has one conversation per line).");
        }
        var messages = root switch
        {
            JsonArray list => list,
            JsonObject row when row["messages"] is JsonArray list => list,
            _ => throw new CommandInputException(
                $"{name}: expected a list of messages ([{{\"role\": \"user\", \"content\": \"…\"}}, …]) or an object with \"messages\" " +
                $"(a row of a Chat dataset); found {Kind(root)}" + (root is JsonObject ? " without a \"messages\" list." : ".")),
        };
        if (messages.Count == 0) throw new CommandInputException($"{name}: the conversation has no messages.");
        for (int i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not JsonObject message)
                throw new CommandInputException($"{name}: message {i + 1} is {Kind(messages[i])}; each message is an object with \"role\" and \"content\".");
            if (message["role"] is not JsonValue role || !role.TryGetValue<string>(out _))
                throw new CommandInputException($"{name}: message {i + 1} has no string \"role\" (\"system\", \"user\", \"assistant\", …).");
            if (message["content"] is null)
                throw new CommandInputException($"{name}: message {i + 1} has no \"content\"; training reads it from every message.");
        }
        return messages;
    }

    /// <summary>How messages name the input: the file's path, or "standard input".</summary>
    public static string Describe(string path) => path == StandardInput ? "--messages (standard input)" : path;

    private static string Kind(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "a list",
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            _ => "true or false",
        },
        _ => "something else",
    };
}
