using Lora.Runtime.Generation;
using Microsoft.Extensions.AI;

namespace Lora.Runtime.Chat;

/// <summary>What a request's <see cref="ChatOptions"/> ask of generation.</summary>
internal static class ChatSampling
{
    /// <summary>
    /// Greedy decoding unless the request asks for sampling: a <see cref="ChatOptions.Temperature"/> above 0, or
    /// <see cref="ChatOptions.TopP"/>, <see cref="ChatOptions.TopK"/> or <see cref="ChatOptions.Seed"/> without a temperature of 0
    /// (0 is greedy, as OpenAI's API reads it). <see cref="ChatOptions.MaxOutputTokens"/> or <paramref name="defaultMaxTokens"/>
    /// limits the reply; <paramref name="stopIds"/> end it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting out of its range, with the ChatOptions property's name.</exception>
    /// <exception cref="NotSupportedException">A setting this client does not honour (tools, penalties, a JSON response format,
    /// a stored conversation): refused rather than ignored.</exception>
    public static SamplingOptions From(ChatOptions? options, int defaultMaxTokens, IReadOnlyList<int> stopIds)
    {
        Refuse(options);
        var temperature = options?.Temperature;
        if (temperature is < 0) throw Range(nameof(ChatOptions.Temperature), temperature, "must be 0 (greedy) or more");
        if (options?.TopP is { } p && p is <= 0 or > 1) throw Range(nameof(ChatOptions.TopP), p, "must be in (0, 1]");
        if (options?.TopK is < 0) throw Range(nameof(ChatOptions.TopK), options.TopK, "must be 0 (all tokens) or more");
        if (options?.MaxOutputTokens is < 1) throw Range(nameof(ChatOptions.MaxOutputTokens), options.MaxOutputTokens, "must be 1 or more");
        bool sample = temperature is > 0 || (temperature is null && (options?.TopP is not null || options?.TopK is not null || options?.Seed is not null));
        return new SamplingOptions
        {
            MaxNewTokens = options?.MaxOutputTokens ?? defaultMaxTokens,
            DoSample = sample,
            Temperature = temperature is > 0 ? temperature.Value : 1.0,
            TopK = options?.TopK ?? 0,
            TopP = options?.TopP ?? 1.0,
            Seed = options?.Seed,
            EosTokenIds = stopIds,
        };
    }

    /// <summary>The request's stop sequences, checked.</summary>
    public static IReadOnlyList<string> StopSequences(ChatOptions? options)
    {
        var stops = options?.StopSequences ?? [];
        if (stops.Any(string.IsNullOrEmpty))
            throw new ArgumentException("ChatOptions.StopSequences holds an empty stop sequence; every one must have text.", nameof(options));
        return stops.ToList();
    }

    static void Refuse(ChatOptions? options)
    {
        if (options is null) return;
        if (options.Tools is { Count: > 0 })
            throw new NotSupportedException($"ChatOptions.Tools: LoraChatClient does not call tools ({options.Tools.Count} given); send the request without them.");
        if (options.FrequencyPenalty is { } frequency && frequency != 0)
            throw new NotSupportedException($"ChatOptions.FrequencyPenalty is {frequency}: LoraChatClient has no repetition penalties; leave it unset.");
        if (options.PresencePenalty is { } presence && presence != 0)
            throw new NotSupportedException($"ChatOptions.PresencePenalty is {presence}: LoraChatClient has no repetition penalties; leave it unset.");
        if (options.ResponseFormat is ChatResponseFormatJson)
            throw new NotSupportedException("ChatOptions.ResponseFormat asks for JSON: LoraChatClient does not constrain its output; ask for JSON in the prompt instead.");
        if (options.ConversationId is not null)
            throw new NotSupportedException("ChatOptions.ConversationId: LoraChatClient keeps no conversations; send the whole conversation's messages with each request.");
        if (options.ContinuationToken is not null || options.AllowBackgroundResponses is true)
            throw new NotSupportedException("Background responses: LoraChatClient answers each request while it is made.");
    }

    static ArgumentOutOfRangeException Range(string property, object? value, string rule) =>
        new("options", value, $"ChatOptions.{property} is {value}; it {rule}.");
}
