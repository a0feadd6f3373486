using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Lora.Runtime.Tests.Cli.Serving;

/// <summary>
/// <c>lora serve</c> over loopback, driven by a real OpenAI-compatible client (Microsoft.Extensions.AI.OpenAI over the OpenAI
/// .NET package): replies are what <see cref="Lora.Runtime.Chat.LoraChatClient"/> answers in-process, streamed or not; the
/// request's model selects the adapter; /v1/models lists them; malformed requests get OpenAI's error object with the right
/// status; it listens on loopback only unless told otherwise.
/// </summary>
public sealed class ServeCommandTests(ServeFixture serve) : IClassFixture<ServeFixture>
{
    static readonly ChatMessage[] Conversation = [new(ChatRole.System, "Answer briefly."), new(ChatRole.User, "What is the state of the union?")];

    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(60) };

    OpenAIClient OpenAi() => new(new ApiKeyCredential("not-checked"), new OpenAIClientOptions
    {
        Endpoint = serve.Server.BaseUrl,
        RetryPolicy = new ClientRetryPolicy(maxRetries: 0),   // an error must show, not be retried away
    });

    IChatClient Chat(string model) => OpenAi().GetChatClient(model).AsIChatClient();

    static ChatOptions Greedy(int maxTokens) => new() { MaxOutputTokens = maxTokens, Temperature = 0 };

    Task<ChatResponse> Expected(string model, int maxTokens) =>
        serve.Reference.GetResponseAsync(Conversation, new ChatOptions { ModelId = model, MaxOutputTokens = maxTokens });

    [Fact]
    public async Task A_reply_through_the_OpenAI_client_is_what_LoraChatClient_answers_with_usage_and_finish_reason()
    {
        foreach (int maxTokens in new[] { 3, ServeFixture.MaxTokens })
        {
            var expected = await Expected(ServeFixture.BaseModel, maxTokens);
            var response = await Chat(ServeFixture.BaseModel).GetResponseAsync(Conversation, Greedy(maxTokens));

            Assert.Equal(expected.Text, response.Text);
            Assert.False(string.IsNullOrEmpty(response.Text));
            Assert.Equal(expected.FinishReason, response.FinishReason);
            Assert.Equal(expected.Usage!.InputTokenCount, response.Usage!.InputTokenCount);
            Assert.Equal(expected.Usage.OutputTokenCount, response.Usage.OutputTokenCount);
            Assert.Equal(expected.Usage.TotalTokenCount, response.Usage.TotalTokenCount);
            Assert.Equal(ServeFixture.BaseModel, response.ModelId);
        }
        // Three tokens cannot be the whole reply here: the limit ends it, reported as OpenAI's "length".
        var cut = await Chat(ServeFixture.BaseModel).GetResponseAsync(Conversation, Greedy(3));
        Assert.Equal(ChatFinishReason.Length, cut.FinishReason);
        Assert.Equal(3, cut.Usage!.OutputTokenCount);
    }

    [Fact]
    public async Task Streaming_gives_the_same_text_as_the_whole_reply_in_pieces_with_usage()
    {
        var client = Chat("alpha");
        var whole = await client.GetResponseAsync(Conversation, Greedy(ServeFixture.MaxTokens));
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(Conversation, Greedy(ServeFixture.MaxTokens))) updates.Add(update);

        Assert.Equal(whole.Text, string.Concat(updates.Select(u => u.Text)));
        Assert.True(updates.Count(u => u.Text.Length > 0) > 2, $"the text should come in pieces; came in {updates.Count(u => u.Text.Length > 0)}");
        Assert.Equal(whole.FinishReason, updates.Select(u => u.FinishReason).Last(r => r is not null));
        var usage = updates.SelectMany(u => u.Contents).OfType<UsageContent>().Single().Details;
        Assert.Equal(whole.Usage!.InputTokenCount, usage.InputTokenCount);
        Assert.Equal(whole.Usage.OutputTokenCount, usage.OutputTokenCount);
    }

    [Fact]
    public async Task The_requests_model_selects_the_adapter_over_one_base()
    {
        var replies = new Dictionary<string, string>();
        foreach (var model in new[] { "alpha", "beta", ServeFixture.BaseModel })
        {
            var response = await Chat(model).GetResponseAsync(Conversation, Greedy(ServeFixture.MaxTokens));
            Assert.Equal((await Expected(model, ServeFixture.MaxTokens)).Text, response.Text);
            Assert.Equal(model, response.ModelId);
            replies[model] = response.Text;
        }
        Assert.Equal(3, replies.Values.Distinct().Count());
    }

    [Fact]
    public async Task Models_lists_the_base_model_and_each_adapter_by_name()
    {
        var models = (await OpenAi().GetOpenAIModelClient().GetModelsAsync()).Value;
        Assert.Equal([ServeFixture.BaseModel, "alpha", "beta"], models.Select(m => m.Id));
        Assert.All(models, m => Assert.Equal("lora", m.OwnedBy));

        var one = (await OpenAi().GetOpenAIModelClient().GetModelAsync("beta")).Value;
        Assert.Equal("beta", one.Id);
    }

    /// <summary>Request bodies that are refused, with the status, code and param of the error.</summary>
    public static TheoryData<string, int, string, string?> MalformedBodies() => new()
    {
        { "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}", 400, "invalid_json", null },
        { "", 400, "invalid_json", null },
        { "[1, 2]", 400, "invalid_type", null },
        { "{}", 400, "missing_required_parameter", "messages" },
        { "{\"model\": \"alpha\"}", 400, "missing_required_parameter", "messages" },
        { "{\"messages\": []}", 400, "invalid_value", "messages" },
        { "{\"messages\": \"Hi\"}", 400, "invalid_type", "messages" },
        { "{\"model\": \"gamma\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}", 404, "model_not_found", "model" },
        { "{\"messages\": [{\"role\": \"wizard\", \"content\": \"Hi\"}]}", 400, "invalid_value", "messages[0].role" },
        { "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"tool\", \"content\": \"42\"}]}", 400, "invalid_value", "messages[1].role" },
        { "{\"messages\": [{\"content\": \"Hi\"}]}", 400, "missing_required_parameter", "messages[0].role" },
        { "{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image_url\", \"image_url\": {\"url\": \"x\"}}]}]}", 400, "unsupported_parameter", "messages[0].content[0]" },
        { "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"temperature\": -1}", 400, "invalid_value", "temperature" },
        { "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"temperature\": \"hot\"}", 400, "invalid_type", "temperature" },
        { "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"top_p\": 0}", 400, "invalid_value", "top_p" },
        { "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"max_tokens\": 0}", 400, "invalid_value", "max_tokens" },
        { $"{{\"messages\": [{{\"role\": \"user\", \"content\": \"Hi\"}}], \"max_completion_tokens\": {ServeFixture.MaxTokens + 1}}}", 400, "invalid_value", "max_completion_tokens" },
        { "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"stream\": \"yes\"}", 400, "invalid_type", "stream" },
        { "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"stop\": \"\"}", 400, "invalid_value", "stop" },
        { "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"n\": 2}", 400, "unsupported_parameter", "n" },
        { "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"presence_penalty\": 0.5}", 400, "unsupported_parameter", "presence_penalty" },
        { "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\"}}]}", 400, "unsupported_parameter", "tools" },
        { "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"temperatur\": 0.5}", 400, "unknown_parameter", "temperatur" },
        { $"{{\"messages\": [{{\"role\": \"user\", \"content\": \"{new string('x', ServeFixture.MaxBodyBytes)}\"}}]}}", 413, "request_too_large", null },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task A_malformed_request_gets_an_OpenAI_error_object_with_its_status(string body, int status, string code, string? param)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(new Uri(serve.Server.BaseUrl + "/chat/completions"), content);
        await AssertError(response, status, code, param);
    }

    [Theory]
    [InlineData("GET", "/v1/chat/completions", 405, "method_not_allowed", null)]
    [InlineData("POST", "/v1/models", 405, "method_not_allowed", null)]
    [InlineData("GET", "/v1/completions", 404, "not_found", null)]
    [InlineData("GET", "/v1/models/gamma", 404, "model_not_found", "model")]
    public async Task A_wrong_route_or_method_gets_an_OpenAI_error_object(string method, string path, int status, string code, string? param)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(serve.Server.Address, path));
        using var response = await Http.SendAsync(request);
        await AssertError(response, status, code, param);
    }

    [Fact]
    public async Task Streaming_a_refused_request_answers_with_the_error_status_not_an_event_stream()
    {
        string body = "{\"model\": \"alpha\", \"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"max_tokens\": 99}";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(new Uri(serve.Server.BaseUrl + "/chat/completions"), content);
        await AssertError(response, 400, "invalid_value", "max_tokens");
    }

    [Fact]
    public async Task The_event_stream_is_data_lines_ending_with_done()
    {
        string body = "{\"model\": \"beta\", \"stream\": true, \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"max_tokens\": 4}";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(new Uri(serve.Server.BaseUrl + "/chat/completions"), content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.All(events, e => Assert.StartsWith("data: ", e));
        Assert.Equal("data: [DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.All(chunks, c => Assert.Equal("beta", c.GetProperty("model").GetString()));
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        var last = chunks[^1].GetProperty("choices")[0];
        Assert.Equal("length", last.GetProperty("finish_reason").GetString());
        Assert.False(chunks[^1].TryGetProperty("usage", out _));   // usage only when stream_options.include_usage asks
        var text = string.Concat(chunks.Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
            .Select(d => d.TryGetProperty("content", out var t) ? t.GetString() : ""));
        Assert.Equal((await serve.Reference.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions { ModelId = "beta", MaxOutputTokens = 4 })).Text, text);
    }

    [Fact]
    public async Task It_listens_on_loopback_only_by_default()
    {
        var address = serve.Server.Address;
        Assert.Equal("127.0.0.1", address.Host);

        // Every address of this machine that is not loopback refuses the port.
        var others = NetworkInterface.GetAllNetworkInterfaces().Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(a => a.Address)
            .Where(a => !IPAddress.IsLoopback(a) && !a.IsIPv6LinkLocal).ToList();
        foreach (var other in others)
        {
            using var socket = new TcpClient(other.AddressFamily);
            var refused = await Assert.ThrowsAsync<SocketException>(() => socket.ConnectAsync(other, address.Port).WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        }
        // The kernel's own table: every listening socket on the port is bound to 127.0.0.1, none to 0.0.0.0 or ::.
        if (OperatingSystem.IsLinux())
        {
            var listening = new[] { "/proc/net/tcp", "/proc/net/tcp6" }.Where(File.Exists).SelectMany(File.ReadLines).Skip(1)
                .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(f => f.Length > 3 && f[3] == "0A" && f[1].EndsWith($":{address.Port:X4}", StringComparison.Ordinal))
                .Select(f => f[1]).ToList();
            Assert.Equal([$"0100007F:{address.Port:X4}"], listening);
        }
        Assert.True(others.Count > 0 || OperatingSystem.IsLinux(), "no way to check the binding on this machine");
        using var reachable = await Http.GetAsync(new Uri(address, "/v1/models"));
        Assert.Equal(HttpStatusCode.OK, reachable.StatusCode);
    }

    internal static async Task AssertError(HttpResponseMessage response, int status, string code, string? param)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal(status < 500 ? "invalid_request_error" : "server_error", error.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
    }
}
