using System.Text.Json;
using Lora.Runtime.Chat;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using static Lora.Cli.Serving.OpenAiError;

namespace Lora.Cli.Serving;

/// <summary>
/// <c>POST /v1/chat/completions</c> over a <see cref="LoraChatClient"/>: the request read by <see cref="ChatCompletionRequest"/>,
/// answered through the client's <see cref="IChatClient"/> methods as one <c>chat.completion</c> object or, with
/// <c>"stream": true</c>, as <c>chat.completion.chunk</c> server-sent events ending with <c>data: [DONE]</c>. A request that
/// the client refuses (a conversation longer than the model's context, a template that refuses it) is answered with 400
/// before anything is streamed; a client that disconnects, or the server stopping, cancels generation at the next token.
/// </summary>
internal sealed class ChatCompletionEndpoint(LoraChatClient client, ServeLimits limits)
{
    /// <summary>The key under which a request's summary (model, token counts) reaches the request log.</summary>
    public const string SummaryItem = "lora.summary";

    int _admitted;

    /// <exception cref="OpenAiError">The request is refused before its response started.</exception>
    public async Task HandleAsync(HttpContext context, CancellationToken stopping)
    {
        if (Interlocked.Increment(ref _admitted) > limits.MaxConcurrentRequests)
        {
            Interlocked.Decrement(ref _admitted);
            throw new OpenAiError(StatusCodes.Status503ServiceUnavailable,
                $"The server is busy: {limits.MaxConcurrentRequests} requests are in progress or waiting (lora serve --max-concurrent-requests); retry shortly.",
                Codes.ServerBusy);
        }
        try
        {
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
            var request = await ReadAsync(context.Request, cancel.Token);
            if (request.Stream)
                await StreamAsync(context, request, cancel.Token);
            else
                await AnswerAsync(context, request, cancel.Token);
        }
        finally
        {
            Interlocked.Decrement(ref _admitted);
        }
    }

    async Task<ChatCompletionRequest> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        JsonDocument body;
        try
        {
            body = await JsonDocument.ParseAsync(request.Body, default, cancellationToken);
        }
        catch (JsonException e)
        {
            throw BadRequest($"The request body is not valid JSON: {e.Message}", Codes.InvalidJson);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge();
        }
        catch (BadHttpRequestException e)
        {
            // The body ended early, or its framing is broken.
            throw new OpenAiError(e.StatusCode, $"The request body could not be read: {e.Message}", Codes.InvalidBody);
        }
        using (body)
            return ChatCompletionRequest.Parse(body.RootElement, client.ModelIds, client.DefaultModelId, limits);
    }

    OpenAiError TooLarge() => new(StatusCodes.Status413PayloadTooLarge,
        $"The request body is larger than {limits.MaxBodyBytes} bytes, the most this server reads (lora serve --max-body-bytes).", Codes.RequestTooLarge);

    async Task AnswerAsync(HttpContext context, ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        ChatResponse response;
        try
        {
            response = await ((IChatClient)client).GetResponseAsync(request.Messages, request.Options, cancellationToken);
        }
        catch (Exception e) when (Refusal(e) is { } error)
        {
            throw error;
        }
        Summarize(context, request, response.Usage);
        await JsonBody.WriteAsync(context.Response, json =>
        {
            json.WriteStartObject();
            Header(json, response.ResponseId, "chat.completion", response.CreatedAt, request.ModelId);
            json.WriteStartArray("choices");
            json.WriteStartObject();
            json.WriteNumber("index", 0);
            json.WriteStartObject("message");
            json.WriteString("role", "assistant");
            json.WriteString("content", response.Text);
            json.WriteEndObject();
            json.WriteNull("logprobs");
            json.WriteString("finish_reason", FinishReason(response.FinishReason));
            json.WriteEndObject();
            json.WriteEndArray();
            Usage(json, response.Usage);
            json.WriteEndObject();
        }, cancellationToken);
    }

    async Task StreamAsync(HttpContext context, ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        await using var updates = ((IChatClient)client).GetStreamingResponseAsync(request.Messages, request.Options, cancellationToken)
            .GetAsyncEnumerator(cancellationToken);
        bool more;
        try
        {
            // The first piece of text, or the refusal: a request that fails here still gets its HTTP error status.
            more = await updates.MoveNextAsync();
        }
        catch (Exception e) when (Refusal(e) is { } error)
        {
            throw error;
        }

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        var first = more ? updates.Current : null;
        string id = first?.ResponseId ?? "lora-" + Guid.NewGuid().ToString("N");
        var created = first?.CreatedAt;
        await Chunk(role: "assistant", content: "", finishReason: null);
        ChatFinishReason? finish = null;
        UsageDetails? usage = null;
        try
        {
            for (; more; more = await updates.MoveNextAsync())
            {
                var update = updates.Current;
                if (update.Text is { Length: > 0 } text) await Chunk(role: null, content: text, finishReason: null);
                finish = update.FinishReason ?? finish;
                usage = update.Contents.OfType<UsageContent>().LastOrDefault()?.Details ?? usage;
            }
        }
        catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
        {
            // The status went out with the first event: the error travels as an event of its own, as OpenAI's does.
            var error = e is OperationCanceledException
                ? new OpenAiError(StatusCodes.Status503ServiceUnavailable, "The server stopped before the reply ended.", Codes.ServerBusy)
                : Refusal(e) ?? new OpenAiError(StatusCodes.Status500InternalServerError, $"Generation failed: {e.Message}", Codes.ServerError);
            await JsonBody.WriteEventAsync(response, error.WriteTo, CancellationToken.None);
            throw new StreamAbortedException(error, e);
        }
        await Chunk(role: null, content: null, finishReason: FinishReason(finish));
        if (request.IncludeUsage)
            await JsonBody.WriteEventAsync(response, json =>
            {
                json.WriteStartObject();
                Header(json, id, "chat.completion.chunk", created, request.ModelId);
                json.WriteStartArray("choices");
                json.WriteEndArray();
                Usage(json, usage);
                json.WriteEndObject();
            }, cancellationToken);
        await JsonBody.WriteEventAsync(response, "[DONE]"u8.ToArray(), cancellationToken);
        Summarize(context, request, usage);

        Task Chunk(string? role, string? content, string? finishReason) => JsonBody.WriteEventAsync(response, json =>
        {
            json.WriteStartObject();
            Header(json, id, "chat.completion.chunk", created, request.ModelId);
            json.WriteStartArray("choices");
            json.WriteStartObject();
            json.WriteNumber("index", 0);
            json.WriteStartObject("delta");
            if (role is not null) json.WriteString("role", role);
            if (content is not null) json.WriteString("content", content);
            json.WriteEndObject();
            json.WriteNull("logprobs");
            if (finishReason is null) json.WriteNull("finish_reason"); else json.WriteString("finish_reason", finishReason);
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }, cancellationToken);
    }

    /// <summary>What the client's refusal of a request means in HTTP; null for a failure that is not the request's.</summary>
    static OpenAiError? Refusal(Exception e) => e switch
    {
        OpenAiError error => error,
        ArgumentOutOfRangeException => BadRequest(e.Message, Codes.InvalidValue),
        // A conversation longer than the model's context, or one its chat template refuses.
        ArgumentException => BadRequest(e.Message, Codes.InvalidValue, "messages"),
        NotSupportedException => BadRequest(e.Message, Codes.UnsupportedParameter),
        ObjectDisposedException => new OpenAiError(StatusCodes.Status503ServiceUnavailable, "The server is stopping.", Codes.ServerBusy),
        _ => null,
    };

    static void Header(Utf8JsonWriter json, string? id, string kind, DateTimeOffset? created, string model)
    {
        json.WriteString("id", id ?? "lora-" + Guid.NewGuid().ToString("N"));
        json.WriteString("object", kind);
        json.WriteNumber("created", (created ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds());
        json.WriteString("model", model);
    }

    static void Usage(Utf8JsonWriter json, UsageDetails? usage)
    {
        json.WriteStartObject("usage");
        json.WriteNumber("prompt_tokens", usage?.InputTokenCount ?? 0);
        json.WriteNumber("completion_tokens", usage?.OutputTokenCount ?? 0);
        json.WriteNumber("total_tokens", usage?.TotalTokenCount ?? 0);
        json.WriteEndObject();
    }

    /// <summary>OpenAI's finish_reason: <c>stop</c> (EOS, end of turn, a stop sequence) or <c>length</c> (the token limit).</summary>
    static string FinishReason(ChatFinishReason? reason) => reason == ChatFinishReason.Length ? "length" : "stop";

    static void Summarize(HttpContext context, ChatCompletionRequest request, UsageDetails? usage) =>
        context.Items[SummaryItem] = $"model={request.ModelId}{(request.Stream ? " stream" : "")} tokens={usage?.InputTokenCount}+{usage?.OutputTokenCount}";
}

/// <summary>A streamed response that failed after its status was sent; the error event has been written.</summary>
internal sealed class StreamAbortedException(OpenAiError error, Exception inner) : Exception(error.Message, inner);
