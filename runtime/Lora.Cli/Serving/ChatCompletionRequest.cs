using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using static Lora.Cli.Serving.OpenAiError;

namespace Lora.Cli.Serving;

/// <summary>
/// A <c>POST /v1/chat/completions</c> body read as OpenAI's API defines it, checked field by field: what it asks of the
/// <see cref="IChatClient"/>. Every field read takes effect; a field this server cannot honour (tools, penalties, several
/// choices, a JSON response format) and a field it does not know are refused with 400 naming it, not ignored. A field set
/// to null, or to the value that asks for nothing (<c>n: 1</c>, <c>presence_penalty: 0</c>, <c>logprobs: false</c>), is accepted.
/// </summary>
/// <param name="ModelId">The model that answers: the base model's id or an adapter's name.</param>
/// <param name="Messages">The conversation.</param>
/// <param name="Options">What the request asks of generation, its model id included.</param>
/// <param name="Stream">Answer with server-sent events.</param>
/// <param name="IncludeUsage">With <see cref="Stream"/>: a last chunk with the usage counts (<c>stream_options.include_usage</c>).</param>
internal sealed record ChatCompletionRequest(string ModelId, IReadOnlyList<ChatMessage> Messages, ChatOptions Options, bool Stream, bool IncludeUsage)
{
    /// <summary>The roles a message may have; <c>developer</c> is OpenAI's newer name for <c>system</c>.</summary>
    static readonly string[] Roles = ["system", "developer", "user", "assistant"];

    /// <summary>Fields accepted without effect when they ask for nothing: whether a value does.</summary>
    static readonly Dictionary<string, Func<JsonElement, bool>> Neutral = new(StringComparer.Ordinal)
    {
        ["n"] = v => v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int n) && n == 1,
        ["frequency_penalty"] = v => v.ValueKind == JsonValueKind.Number && v.GetDouble() == 0,
        ["presence_penalty"] = v => v.ValueKind == JsonValueKind.Number && v.GetDouble() == 0,
        ["logprobs"] = v => v.ValueKind == JsonValueKind.False,
        ["store"] = v => v.ValueKind == JsonValueKind.False,
        ["tools"] = v => v.ValueKind == JsonValueKind.Array && v.GetArrayLength() == 0,
        ["tool_choice"] = v => v.ValueKind == JsonValueKind.String && v.GetString() is "none" or "auto",
        ["parallel_tool_calls"] = v => v.ValueKind is JsonValueKind.True or JsonValueKind.False,
        ["response_format"] = v => v.ValueKind == JsonValueKind.Object && v.TryGetProperty("type", out var t) && t.ValueEquals("text"),
        // An end user's id, for the provider's abuse monitoring: nothing to do with generation.
        ["user"] = v => v.ValueKind == JsonValueKind.String,
    };

    /// <exception cref="OpenAiError">The body is not a request this server answers: 400, or 404 for an unknown model.</exception>
    public static ChatCompletionRequest Parse(JsonElement root, IReadOnlyList<string> modelIds, string defaultModelId, ServeLimits limits)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw BadRequest($"The request body is {Kind(root)}; send a JSON object with \"messages\" (and \"model\").", Codes.InvalidType);

        string model = defaultModelId;
        IReadOnlyList<ChatMessage>? messages = null;
        var options = new ChatOptions();
        bool stream = false, includeUsage = false;
        int? maxTokens = null;
        foreach (var field in root.EnumerateObject())
        {
            var value = field.Value;
            if (value.ValueKind == JsonValueKind.Null) continue;
            switch (field.Name)
            {
                case "model":
                    model = String(value, "model");
                    if (!modelIds.Contains(model, StringComparer.Ordinal))
                        throw new OpenAiError(StatusCodes.Status404NotFound,
                            $"The model '{model}' does not exist on this server; it has {string.Join(", ", modelIds.Select(m => $"'{m}'"))} (GET /v1/models).",
                            Codes.ModelNotFound, "model");
                    break;
                case "messages":
                    messages = ReadMessages(value);
                    break;
                case "stream":
                    stream = Boolean(value, "stream");
                    break;
                case "stream_options":
                    includeUsage = StreamOptions(value);
                    break;
                case "max_tokens" or "max_completion_tokens":
                    int tokens = Integer(value, field.Name);
                    if (tokens < 1) throw BadRequest($"{field.Name} is {tokens}; it must be 1 or more.", Codes.InvalidValue, field.Name);
                    if (tokens > limits.MaxTokens)
                        throw BadRequest($"{field.Name} is {tokens}; this server gives a reply at most {limits.MaxTokens} tokens (lora serve --max-tokens).",
                            Codes.InvalidValue, field.Name);
                    if (maxTokens is { } other && other != tokens)
                        throw BadRequest($"max_tokens and max_completion_tokens differ ({other} and {tokens}); send one.", Codes.InvalidValue, field.Name);
                    maxTokens = tokens;
                    break;
                case "temperature":
                    double temperature = Number(value, "temperature");
                    if (temperature is < 0 or > 2) throw BadRequest($"temperature is {temperature}; it must be in [0, 2] (0 is greedy).", Codes.InvalidValue, "temperature");
                    options.Temperature = (float)temperature;
                    break;
                case "top_p":
                    double topP = Number(value, "top_p");
                    if (topP is <= 0 or > 1) throw BadRequest($"top_p is {topP}; it must be in (0, 1].", Codes.InvalidValue, "top_p");
                    options.TopP = (float)topP;
                    break;
                case "top_k":
                    int topK = Integer(value, "top_k");
                    if (topK < 0) throw BadRequest($"top_k is {topK}; it must be 0 (all tokens) or more.", Codes.InvalidValue, "top_k");
                    options.TopK = topK;
                    break;
                case "seed":
                    if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long seed))
                        throw BadRequest($"seed is {Kind(value)}; it must be an integer.", Codes.InvalidType, "seed");
                    options.Seed = seed;
                    break;
                case "stop":
                    options.StopSequences = Stops(value);
                    break;
                default:
                    if (Neutral.TryGetValue(field.Name, out var accepts))
                    {
                        if (!accepts(value))
                            throw BadRequest($"{field.Name} is {value.GetRawText()}: {Unsupported(field.Name)}", Codes.UnsupportedParameter, field.Name);
                    }
                    else
                    {
                        throw BadRequest($"Unrecognized request argument supplied: {field.Name}. lora serve reads model, messages, stream, stream_options, " +
                                         "max_tokens, max_completion_tokens, temperature, top_p, top_k, seed and stop.", Codes.UnknownParameter, field.Name);
                    }
                    break;
            }
        }
        if (messages is null)
            throw BadRequest("The request has no \"messages\"; send the conversation as [{\"role\": \"user\", \"content\": \"…\"}, …].",
                Codes.MissingParameter, "messages");
        if (includeUsage && !stream)
            throw BadRequest("stream_options is only allowed with \"stream\": true.", Codes.InvalidValue, "stream_options");
        options.ModelId = model;
        options.MaxOutputTokens = maxTokens ?? limits.MaxTokens;
        return new ChatCompletionRequest(model, messages, options, stream, includeUsage);
    }

    static string Unsupported(string field) => field switch
    {
        "n" => "lora serve writes one choice per request.",
        "frequency_penalty" or "presence_penalty" => "lora serve has no repetition penalties; leave it 0 or unset.",
        "logprobs" => "lora serve does not return log probabilities.",
        "store" => "lora serve stores no completions.",
        "tools" or "tool_choice" or "parallel_tool_calls" => "lora serve does not call tools; send the request without them.",
        "response_format" => "lora serve does not constrain its output to JSON; ask for JSON in the prompt instead.",
        _ => "not a value lora serve accepts here.",
    };

    static IReadOnlyList<ChatMessage> ReadMessages(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
            throw BadRequest($"messages is {Kind(value)}; it must be a list of {{\"role\", \"content\"}} objects.", Codes.InvalidType, "messages");
        var messages = new List<ChatMessage>();
        int index = 0;
        foreach (var item in value.EnumerateArray())
        {
            string at = $"messages[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
                throw BadRequest($"{at} is {Kind(item)}; each message is an object with \"role\" and \"content\".", Codes.InvalidType, at);
            string? role = null, content = null;
            foreach (var field in item.EnumerateObject())
            {
                if (field.Value.ValueKind == JsonValueKind.Null) continue;
                switch (field.Name)
                {
                    case "role":
                        role = String(field.Value, $"{at}.role");
                        break;
                    case "content":
                        content = Content(field.Value, $"{at}.content");
                        break;
                    default:
                        throw BadRequest($"{at}.{field.Name}: lora serve reads a message's \"role\" and \"content\" only " +
                                         (field.Name is "tool_calls" or "function_call" ? "(it does not call tools)." : "(the chat template is given those)."),
                            Codes.UnsupportedParameter, $"{at}.{field.Name}");
                }
            }
            if (role is null) throw BadRequest($"{at} has no \"role\" (system, user or assistant).", Codes.MissingParameter, $"{at}.role");
            if (!Roles.Contains(role, StringComparer.Ordinal))
                throw BadRequest($"{at}.role is '{role}'; expected system, developer, user or assistant" +
                                 (role is "tool" or "function" ? " (lora serve does not call tools)." : "."), Codes.InvalidValue, $"{at}.role");
            if (content is null && role != "assistant")
                throw BadRequest($"{at} ({role}) has no \"content\".", Codes.MissingParameter, $"{at}.content");
            messages.Add(new ChatMessage(new ChatRole(role == "developer" ? "system" : role), content ?? ""));
        }
        if (messages.Count == 0)
            throw BadRequest("messages is empty; send at least the user's message.", Codes.InvalidValue, "messages");
        return messages;
    }

    /// <summary>A message's text: a string, or a list of <c>{"type": "text", "text": …}</c> parts joined.</summary>
    static string Content(JsonElement value, string at)
    {
        if (value.ValueKind == JsonValueKind.String) return value.GetString()!;
        if (value.ValueKind != JsonValueKind.Array)
            throw BadRequest($"{at} is {Kind(value)}; it must be a string or a list of text parts.", Codes.InvalidType, at);
        var text = new StringBuilder();
        int index = 0;
        foreach (var part in value.EnumerateArray())
        {
            string partAt = $"{at}[{index++}]";
            if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
                throw BadRequest($"{partAt} must be an object with a \"type\".", Codes.InvalidType, partAt);
            if (!type.ValueEquals("text"))
                throw BadRequest($"{partAt} is a '{type.GetString()}' part; lora serve reads text only.", Codes.UnsupportedParameter, partAt);
            if (!part.TryGetProperty("text", out var partText) || partText.ValueKind != JsonValueKind.String)
                throw BadRequest($"{partAt} has no string \"text\".", Codes.MissingParameter, $"{partAt}.text");
            text.Append(partText.GetString());
        }
        return text.ToString();
    }

    static bool StreamOptions(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw BadRequest($"stream_options is {Kind(value)}; it must be an object such as {{\"include_usage\": true}}.", Codes.InvalidType, "stream_options");
        bool includeUsage = false;
        foreach (var field in value.EnumerateObject())
        {
            if (field.Value.ValueKind == JsonValueKind.Null) continue;
            if (field.Name != "include_usage")
                throw BadRequest($"stream_options.{field.Name}: lora serve reads include_usage only.", Codes.UnknownParameter, $"stream_options.{field.Name}");
            includeUsage = Boolean(field.Value, "stream_options.include_usage");
        }
        return includeUsage;
    }

    static List<string> Stops(JsonElement value)
    {
        var stops = value.ValueKind switch
        {
            JsonValueKind.String => [value.GetString()!],
            JsonValueKind.Array => value.EnumerateArray().Select((s, i) => String(s, $"stop[{i}]")).ToList(),
            _ => throw BadRequest($"stop is {Kind(value)}; it must be a string or a list of strings.", Codes.InvalidType, "stop"),
        };
        if (stops.Any(s => s.Length == 0)) throw BadRequest("stop holds an empty string; every stop sequence must have text.", Codes.InvalidValue, "stop");
        return stops;
    }

    static string String(JsonElement value, string name) => value.ValueKind == JsonValueKind.String
        ? value.GetString()!
        : throw BadRequest($"{name} is {Kind(value)}; it must be a string.", Codes.InvalidType, name);

    static bool Boolean(JsonElement value, string name) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw BadRequest($"{name} is {Kind(value)}; it must be true or false.", Codes.InvalidType, name),
    };

    static double Number(JsonElement value, string name) => value.ValueKind == JsonValueKind.Number
        ? value.GetDouble()
        : throw BadRequest($"{name} is {Kind(value)}; it must be a number.", Codes.InvalidType, name);

    static int Integer(JsonElement value, string name)
    {
        if (value.ValueKind != JsonValueKind.Number) throw BadRequest($"{name} is {Kind(value)}; it must be an integer.", Codes.InvalidType, name);
        if (value.TryGetInt32(out int n)) return n;
        throw BadRequest($"{name} is {value.GetRawText()}; it must be an integer" + (value.TryGetDouble(out double d) && double.IsInteger(d) ? " in range." : "."),
            Codes.InvalidValue, name);
    }

    static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => $"a string ({value.GetRawText()})",
        JsonValueKind.Number => $"a number ({value.GetRawText()})",
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => "null",
    };
}
