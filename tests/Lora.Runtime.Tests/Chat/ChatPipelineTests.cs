using Lora.Runtime.Chat;
using Lora.Runtime.Native;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lora.Runtime.Tests.Chat;

/// <summary><see cref="LoraChatClient"/> inside Microsoft.Extensions.AI's pipeline: ChatClientBuilder with logging, caching and
/// default options, as an application composes it.</summary>
public sealed class ChatPipelineTests : IDisposable
{
    readonly TempFolder _folder = new();

    public ChatPipelineTests() => TorchNative.EnsureLoaded();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_pipeline_with_logging_and_caching_serves_a_repeated_request_from_the_cache()
    {
        using var lora = new LoraChatClient(TinyChatModel.Write(_folder), options: new LoraChatClientOptions { Clock = () => new DateTime(2026, 12, 4) });
        var counter = new ForwardCounter();
        lora.Model.BlockWrapper = counter;
        var logs = new RecordingLoggerFactory();
        IDistributedCache cache = new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions()));
        using IChatClient client = new ChatClientBuilder(lora)
            .UseLogging(logs)
            .UseDistributedCache(cache)
            .ConfigureOptions(options => options.MaxOutputTokens ??= 16)
            .Build();

        var first = await client.GetResponseAsync("Hello there");
        int blocks = counter.Blocks;
        var second = await client.GetResponseAsync("Hello there");
        Assert.True(blocks > 0);
        Assert.Equal(first.Text, second.Text);
        Assert.Equal(blocks, counter.Blocks);   // from the cache: the model did not run
        Assert.Equal(16, first.Usage!.OutputTokenCount);

        var streamed = await client.GetStreamingResponseAsync("Good morning").ToChatResponseAsync();
        var direct = await lora.GetResponseAsync("Good morning", new ChatOptions { MaxOutputTokens = 16 });
        Assert.Equal(direct.Text, streamed.Text);
        Assert.Equal(direct.Usage!.OutputTokenCount, streamed.Usage!.OutputTokenCount);

        Assert.Contains(logs.Messages, m => m.Contains("GetResponseAsync", StringComparison.Ordinal));
        Assert.Contains(logs.Messages, m => m.Contains("GetStreamingResponseAsync", StringComparison.Ordinal));
        Assert.Equal("lora", client.GetService<ChatClientMetadata>()!.ProviderName);
        Assert.Same(lora, client.GetService<LoraChatClient>());
    }

    /// <summary>Keeps every message logged, at every level.</summary>
    sealed class RecordingLoggerFactory : ILoggerFactory, ILogger
    {
        readonly List<string> _messages = [];

        public IReadOnlyList<string> Messages
        {
            get { lock (_messages) return _messages.ToList(); }
        }

        public ILogger CreateLogger(string categoryName) => this;
        public void AddProvider(ILoggerProvider provider) { }
        public void Dispose() { }
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_messages) _messages.Add(formatter(state, exception));
        }
    }
}
