using Lora.Runtime.Adapters;
using Lora.Runtime.Chat;
using Lora.Runtime.Generation;
using Lora.Runtime.Models;
using Lora.Runtime.Native;
using Lora.Runtime.Peft;
using Lora.Runtime.Tokenization;
using Microsoft.Extensions.AI;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Chat;

/// <summary>
/// <see cref="LoraChatClient"/> on the tiny chat model: its replies are what <see cref="TextGenerator"/> generates from the
/// conversation as the chat template renders it; streaming gives the same text; each ChatOptions setting changes what it
/// should; adapters over one loaded base answer differently; cancellation stops generation at once.
/// </summary>
public sealed class LoraChatClientTests : IDisposable
{
    static readonly DateTime Date = new(2026, 12, 4);

    static readonly ChatMessage[] Conversation = [new(ChatRole.System, "Be brief."), new(ChatRole.User, "Hello there")];

    /// <summary><see cref="Conversation"/> as the ChatML template writes it, with the generation prompt.</summary>
    const string Prompt = "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHello there<|im_end|>\n<|im_start|>assistant\n";

    static readonly int[] StopIds = [TinyChatModel.Eos, TinyChatModel.ImEnd];

    readonly TempFolder _folder = new();
    readonly string _model;

    public LoraChatClientTests()
    {
        TorchNative.EnsureLoaded();
        _model = TinyChatModel.Write(_folder);
    }

    public void Dispose() => _folder.Dispose();

    LoraChatClient Client(IReadOnlyDictionary<string, string>? adapters = null) =>
        new(_model, adapters, new LoraChatClientOptions { Clock = () => Date });

    /// <summary>The new ids <see cref="TextGenerator.Generate"/> gives after <paramref name="prompt"/>, greedy unless told,
    /// stopping at EOS or the end-of-turn token; with <paramref name="adapter"/> loaded on a model of its own.</summary>
    List<int> Reference(int maxNewTokens, string? adapter = null, string prompt = Prompt, SamplingOptions? sampling = null)
    {
        using var model = ModelLoader.Load(_model);
        if (adapter is not null) PeftAdapter.Load(model, adapter);
        var ids = ModelTokenizer.Load(_model).Encode(prompt, addBos: false).Select(i => (long)i).ToArray();
        var options = (sampling ?? new SamplingOptions()) with { MaxNewTokens = maxNewTokens, EosTokenIds = StopIds };
        using var output = TextGenerator.Generate(model, tensor(ids).unsqueeze(0), null, options);
        return output[0].data<long>().ToArray()[ids.Length..].Select(i => (int)i).ToList();
    }

    string Text(IEnumerable<int> ids) => ModelTokenizer.Load(_model).Decode(ids.Where(id => !StopIds.Contains(id)));

    static async Task<List<ChatResponseUpdate>> Stream(IChatClient client, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(Conversation, options, cancellationToken)) updates.Add(update);
        return updates;
    }

    [Fact]
    public async Task Greedy_reply_is_what_TextGenerator_generates_from_the_rendered_conversation()
    {
        var expected = Reference(40);
        using var client = Client();
        var response = await client.GetResponseAsync(Conversation, new ChatOptions { MaxOutputTokens = 40 });

        Assert.Equal(Text(expected), response.Text);
        Assert.Equal(ModelTokenizer.Load(_model).Encode(Prompt, addBos: false).Count, response.Usage!.InputTokenCount);
        Assert.Equal(expected.Count, response.Usage.OutputTokenCount);
        Assert.Equal(response.Usage.InputTokenCount + response.Usage.OutputTokenCount, response.Usage.TotalTokenCount);
        Assert.Equal(StopIds.Contains(expected[^1]) ? ChatFinishReason.Stop : ChatFinishReason.Length, response.FinishReason);
        Assert.Equal("tiny-chat", response.ModelId);
        Assert.Equal(ChatRole.Assistant, response.Messages.Single().Role);
    }

    [Fact]
    public async Task Streaming_yields_the_same_text_as_the_whole_response()
    {
        using var client = Client();
        foreach (var options in new[]
                 {
                     new ChatOptions { MaxOutputTokens = 60 },
                     new ChatOptions { MaxOutputTokens = 60, Temperature = 1.3f, TopP = 0.95f, Seed = 11 },
                 })
        {
            var whole = await client.GetResponseAsync(Conversation, options);
            var updates = await Stream(client, options);

            Assert.Equal(whole.Text, string.Concat(updates.Select(u => u.Text)));
            Assert.Equal(whole.Text, updates.ToChatResponse().Text);
            Assert.True(updates.Count > 2, "the text should come in pieces, as generated");
            Assert.All(updates[..^1], u => Assert.Null(u.FinishReason));
            Assert.Equal(whole.FinishReason, updates[^1].FinishReason);
            var usage = updates[^1].Contents.OfType<UsageContent>().Single().Details;
            Assert.Equal(whole.Usage!.InputTokenCount, usage.InputTokenCount);
            Assert.Equal(whole.Usage.OutputTokenCount, usage.OutputTokenCount);
            Assert.Single(updates.Select(u => u.ResponseId).Distinct());
        }
    }

    [Fact]
    public async Task Max_output_tokens_limits_the_reply_and_finishes_with_length()
    {
        var expected = Reference(6);
        Assert.DoesNotContain(expected, id => StopIds.Contains(id));   // the model would go on
        using var client = Client();
        var response = await client.GetResponseAsync(Conversation, new ChatOptions { MaxOutputTokens = 6 });
        Assert.Equal(6, response.Usage!.OutputTokenCount);
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(Text(expected), response.Text);
    }

    [Fact]
    public async Task The_model_eos_ends_the_reply_without_its_text_and_counts_as_a_token()
    {
        var greedy = Reference(10);
        Assert.DoesNotContain(greedy, id => StopIds.Contains(id));
        // The same weights with the third reply token as their EOS.
        var stopping = TinyChatModel.Write(_folder, "eos-at-three", eos: greedy[2]);
        using var client = new LoraChatClient(stopping, options: new LoraChatClientOptions { Clock = () => Date });
        var response = await client.GetResponseAsync(Conversation, new ChatOptions { MaxOutputTokens = 10 });
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(3, response.Usage!.OutputTokenCount);
        Assert.Equal(Text(greedy.Take(2)), response.Text);
    }

    [Fact]
    public async Task A_stop_sequence_across_tokens_cuts_the_reply_before_it()
    {
        var ids = Reference(60);
        var tokenizer = ModelTokenizer.Load(_model);
        string full = Text(ids);
        // Two characters from two tokens, at their first occurrence in the reply.
        string? stop = null;
        for (int j = 1; j < ids.Count - 1 && stop is null; j++)
        {
            string before = tokenizer.Decode(ids.Take(j)), after = tokenizer.Decode(ids.Take(j + 1));
            if (before.Length == 0 || after.Length <= before.Length || before[^1] == '\uFFFD' || after[before.Length] == '\uFFFD') continue;
            string candidate = before[^1..] + after[before.Length];
            if (full.IndexOf(candidate, StringComparison.Ordinal) == before.Length - 1) stop = candidate;
        }
        Assert.True(stop is not null, $"no stop sequence found in the reply [{full}] ({string.Join(",", ids)})");

        using var client = Client();
        var options = new ChatOptions { MaxOutputTokens = 60, StopSequences = [stop!] };
        var response = await client.GetResponseAsync(Conversation, options);
        Assert.Equal(full[..full.IndexOf(stop!, StringComparison.Ordinal)], response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(response.Text, string.Concat((await Stream(client, options)).Select(u => u.Text)));
    }

    [Fact]
    public async Task Seed_and_temperature_sample_reproducibly_and_other_seeds_differ()
    {
        using var client = Client();
        var sampled = new ChatOptions { MaxOutputTokens = 30, Temperature = 1.5f, Seed = 42 };
        var a = await client.GetResponseAsync(Conversation, sampled);
        var b = await client.GetResponseAsync(Conversation, sampled);
        var c = await client.GetResponseAsync(Conversation, new ChatOptions { MaxOutputTokens = 30, Temperature = 1.5f, Seed = 7 });
        var greedy = await client.GetResponseAsync(Conversation, new ChatOptions { MaxOutputTokens = 30 });

        Assert.Equal(a.Text, b.Text);
        Assert.NotEqual(a.Text, c.Text);
        Assert.NotEqual(greedy.Text, a.Text);
        var sampling = new SamplingOptions { DoSample = true, Temperature = 1.5, Seed = 42 };
        Assert.Equal(Text(Reference(30, sampling: sampling)), a.Text);
        // Temperature 0 is greedy whatever else is set; top-k 1 leaves only the greedy token.
        Assert.Equal(greedy.Text, (await client.GetResponseAsync(Conversation, new ChatOptions { MaxOutputTokens = 30, Temperature = 0, Seed = 42, TopP = 0.5f })).Text);
        Assert.Equal(greedy.Text, (await client.GetResponseAsync(Conversation, new ChatOptions { MaxOutputTokens = 30, Temperature = 1.5f, Seed = 3, TopK = 1 })).Text);
    }

    [Fact]
    public async Task Two_adapters_answer_differently_from_one_loaded_base()
    {
        var alpha = TinyChatModel.WriteAdapter(_folder, _model, "alpha", seed: 1);
        var beta = TinyChatModel.WriteAdapter(_folder, _model, "beta", seed: 2);
        using var client = Client(new Dictionary<string, string> { ["alpha"] = alpha, ["beta"] = beta });
        Assert.Equal(new[] { "tiny-chat", "alpha", "beta" }, client.ModelIds);
        Assert.Equal("alpha", client.DefaultModelId);

        async Task<string> Ask(string? model) => (await client.GetResponseAsync(Conversation, new ChatOptions { ModelId = model, MaxOutputTokens = 24 })).Text;
        string a = await Ask("alpha"), b = await Ask("beta"), none = await Ask("tiny-chat"), again = await Ask("alpha"), byDefault = await Ask(null);

        Assert.Equal(Text(Reference(24, alpha)), a);
        Assert.Equal(Text(Reference(24, beta)), b);
        Assert.Equal(Text(Reference(24)), none);
        Assert.Equal(3, new[] { a, b, none }.Distinct().Count());
        Assert.Equal(a, again);       // switching back needs no reload
        Assert.Equal(a, byDefault);
        // One base model holds both adapters.
        Assert.Equal(new[] { "alpha", "beta" }, LoraAdapters.AdapterNames(client.Model));
        Assert.Same(client.Model, client.GetService<CausalLanguageModel>());

        // Requests made together are served one at a time, each with its own adapter.
        var together = await Task.WhenAll(Ask("beta"), Ask("alpha"), Ask("tiny-chat"), Ask("beta"));
        Assert.Equal(new[] { b, a, none, b }, together);
    }

    [Fact]
    public async Task An_adapter_carrying_a_chat_template_is_prompted_with_it()
    {
        var bracketed = TinyChatModel.WriteAdapter(_folder, _model, "bracketed", seed: 3, chatTemplate: TinyChatModel.Bracketed);
        using var client = Client(new Dictionary<string, string> { ["bracketed"] = bracketed });
        var tokenizer = ModelTokenizer.Load(_model);
        const string bracketedPrompt = "[system] Be brief.\n[user] Hello there\n[assistant] ";

        var adapted = await client.GetResponseAsync(Conversation, new ChatOptions { ModelId = "bracketed", MaxOutputTokens = 12 });
        var plain = await client.GetResponseAsync(Conversation, new ChatOptions { ModelId = "tiny-chat", MaxOutputTokens = 12 });
        Assert.Equal(tokenizer.Encode(bracketedPrompt, addBos: false).Count, adapted.Usage!.InputTokenCount);
        Assert.Equal(tokenizer.Encode(Prompt, addBos: false).Count, plain.Usage!.InputTokenCount);
        Assert.Equal(Text(Reference(12, bracketed, bracketedPrompt)), adapted.Text);
    }

    [Fact]
    public async Task Cancelling_a_stream_stops_generation_at_once()
    {
        using var client = Client();
        var counter = new ForwardCounter();
        client.Model.BlockWrapper = counter;
        await client.GetResponseAsync(Conversation, new ChatOptions { MaxOutputTokens = 1 });
        int blocksPerToken = counter.Blocks;
        var uncancelled = await client.GetResponseAsync(Conversation, new ChatOptions { MaxOutputTokens = 100 });
        Assert.Equal(100, uncancelled.Usage!.OutputTokenCount);

        int before = counter.Blocks, tokensAtCancel = -1, updates = 0;
        using var cancellation = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(Conversation, new ChatOptions { MaxOutputTokens = 100 }, cancellation.Token))
            {
                updates++;
                tokensAtCancel = (counter.Blocks - before) / blocksPerToken;
                cancellation.Cancel();
            }
        });
        int generated = (counter.Blocks - before) / blocksPerToken;
        Assert.Equal(1, updates);
        Assert.InRange(generated - tokensAtCancel, 0, 1);
        Assert.True(generated < 10, $"{generated} tokens generated after a cancel at the first update");

        // The model is free again, and a request cancelled before it starts generates nothing.
        Assert.Equal(uncancelled.Text, (await client.GetResponseAsync(Conversation, new ChatOptions { MaxOutputTokens = 100 })).Text);
        int idle = counter.Blocks;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync(Conversation, null, new CancellationToken(canceled: true)));
        Assert.Equal(idle, counter.Blocks);
    }

    [Fact]
    public async Task Disposing_during_a_stream_lets_it_finish_then_refuses_requests()
    {
        var client = Client();
        var text = new System.Text.StringBuilder();
        await foreach (var update in client.GetStreamingResponseAsync(Conversation, new ChatOptions { MaxOutputTokens = 8 }))
        {
            if (text.Length == 0) client.Dispose();
            text.Append(update.Text);
        }
        Assert.Equal(Text(Reference(8)), text.ToString());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.GetResponseAsync(Conversation));
    }

    [Fact]
    public async Task Unknown_model_ids_unsupported_content_and_options_are_refused_with_what_to_do()
    {
        using var client = Client();
        var unknown = await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync(Conversation, new ChatOptions { ModelId = "gpt-4o" }));
        Assert.Contains("'gpt-4o'", unknown.Message);
        Assert.Contains("'tiny-chat'", unknown.Message);

        var image = new ChatMessage(ChatRole.User, [new TextContent("What is this?"), new DataContent(new byte[] { 1, 2, 3 }, "image/png")]);
        var content = await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync([image]));
        Assert.Contains("DataContent", content.Message);
        Assert.Contains("Message 1 (user)", content.Message);

        var tools = new ChatOptions { Tools = [AIFunctionFactory.Create(() => 42, "answer")] };
        Assert.Contains("Tools", (await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync(Conversation, tools))).Message);
        Assert.Contains("TopP", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.GetResponseAsync(Conversation, new ChatOptions { TopP = 1.5f }))).Message);
        await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync(Array.Empty<ChatMessage>()));
    }

    [Fact]
    public async Task Instructions_go_before_the_conversation_as_a_system_message()
    {
        using var client = Client();
        var tokenizer = ModelTokenizer.Load(_model);
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hello there")],
            new ChatOptions { Instructions = "Be brief.", MaxOutputTokens = 8 });
        Assert.Equal(tokenizer.Encode(Prompt, addBos: false).Count, response.Usage!.InputTokenCount);
        Assert.Equal(Text(Reference(8)), response.Text);
    }

    [Fact]
    public void Metadata_names_the_provider_and_the_default_model()
    {
        using var client = Client();
        var metadata = client.GetService<ChatClientMetadata>();
        Assert.Equal("lora", metadata!.ProviderName);
        Assert.Equal("tiny-chat", metadata.DefaultModelId);
        Assert.Same(client, client.GetService<LoraChatClient>());
        Assert.Null(client.GetService<ChatClientMetadata>("some key"));
    }
}
