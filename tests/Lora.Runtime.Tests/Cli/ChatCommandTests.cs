using Lora.Cli;
using Lora.Runtime.Chat;
using Lora.Runtime.Native;
using Lora.Runtime.Tests.Chat;
using Lora.Runtime.Tests.Cli.Serving;
using Microsoft.Extensions.AI;

namespace Lora.Runtime.Tests.Cli;

/// <summary>
/// <c>lora chat</c> with a scripted user on standard input (the reader CliApp.Run takes): each reply streams to stdout as it is
/// generated and is what <see cref="LoraChatClient"/> answers to the conversation so far; /reset forgets it, /exit and the
/// end of input end the chat with exit 0, other commands are not sent to the model.
/// </summary>
public sealed class ChatCommandTests : IDisposable
{
    const int MaxTokens = 8;
    const string System = "You answer in one sentence.";

    readonly TempFolder _folder = new();

    public ChatCommandTests() => TorchNative.EnsureLoaded();

    public void Dispose() => _folder.Dispose();

    /// <summary>Stdout that remembers each write: a streamed reply arrives in several.</summary>
    sealed class RecordingWriter : StringWriter
    {
        public List<string> Writes { get; } = [];

        public override void Write(string? value)
        {
            if (!string.IsNullOrEmpty(value)) Writes.Add(value);
            base.Write(value);
        }
    }

    static (int ExitCode, RecordingWriter Stdout, string Stderr) Chat(string input, params string[] args)
    {
        var stdout = new RecordingWriter();
        var stderr = new StringWriter();
        int exitCode = CliApp.Run(["chat", "--model", ServeFixture.ModelFolder, "--max-tokens", MaxTokens.ToString(), .. args], stdout, stderr, new StringReader(input));
        return (exitCode, stdout, stderr.ToString());
    }

    [Fact]
    public async Task A_scripted_conversation_streams_each_reply_and_keeps_the_history_until_reset()
    {
        string adapter = TinyChatModel.WriteAdapter(_folder, ServeFixture.ModelFolder, "tone", seed: 3);
        var (exitCode, stdout, stderr) = Chat("Hello there\nAnd then what?\n/reset\nAnd then what?\n/exit\nNever sent\n",
            "--adapter", adapter, "--system", System);
        Assert.True(exitCode == 0, stderr);

        using var reference = new LoraChatClient(ServeFixture.ModelFolder, new Dictionary<string, string> { ["tone"] = adapter });
        var options = new ChatOptions { MaxOutputTokens = MaxTokens };
        ChatMessage system = new(ChatRole.System, System), hello = new(ChatRole.User, "Hello there"), then = new(ChatRole.User, "And then what?");
        string first = (await reference.GetResponseAsync([system, hello], options)).Text;
        string second = (await reference.GetResponseAsync([system, hello, new(ChatRole.Assistant, first), then], options)).Text;
        string afterReset = (await reference.GetResponseAsync([system, then], options)).Text;
        Assert.NotEqual(second, afterReset);   // else this conversation could not show that the history is kept

        Assert.Equal($"{first}\n{second}\n{afterReset}\n", stdout.ToString());
        Assert.True(stdout.Writes.Count > 3 * 2, $"the replies should stream in pieces; stdout got {stdout.Writes.Count} writes");
        Assert.Contains("(new conversation)", stderr);
    }

    [Fact]
    public async Task The_end_of_input_ends_the_chat_and_unknown_commands_are_not_sent()
    {
        var (exitCode, stdout, stderr) = Chat("/weather\n\nHello there\n");
        Assert.True(exitCode == 0, stderr);

        using var reference = new LoraChatClient(ServeFixture.ModelFolder);
        string reply = (await reference.GetResponseAsync([new ChatMessage(ChatRole.User, "Hello there")], new ChatOptions { MaxOutputTokens = MaxTokens })).Text;
        Assert.Equal(reply + "\n", stdout.ToString());
        Assert.Contains("Unknown command /weather", stderr);
    }

    /// <summary>A user who types nothing: each read waits until the test ends.</summary>
    sealed class SilentUser : TextReader
    {
        public readonly ManualResetEventSlim Reading = new();
        readonly ManualResetEventSlim _released = new();

        public override string? ReadLine()
        {
            Reading.Set();
            _released.Wait();
            return null;
        }

        protected override void Dispose(bool disposing)
        {
            _released.Set();
            base.Dispose(disposing);
        }
    }

    [Fact]
    public async Task Stopping_while_it_waits_for_the_user_ends_the_chat_at_once_with_exit_0()
    {
        using var user = new SilentUser();
        using var stop = new CancellationTokenSource();
        var notes = new StringWriter();
        var stderr = TextWriter.Synchronized(notes);
        var chat = Task.Run(() => CliApp.RunAsync(["chat", "--model", ServeFixture.ModelFolder], TextWriter.Null, stderr, user, stop.Token));
        Assert.True(await Task.Run(() => user.Reading.Wait(TimeSpan.FromMinutes(2))), $"lora chat never read its input: {Text()}");

        stop.Cancel();   // as Ctrl+C does
        Assert.Equal(0, await chat.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.StartsWith("lora chat: lora-tiny-en.", Text());
        Assert.DoesNotContain("error", Text());

        // The synchronized writer locks itself while it writes.
        string Text()
        {
            lock (stderr) return notes.ToString();
        }
    }

    [Theory]
    [InlineData("--max-tokens", "0", "--max-tokens is 0")]
    [InlineData("--temperature", "-1", "--temperature is -1")]
    [InlineData("--top-p", "1.5", "--top-p is 1.5")]
    public void A_bad_option_fails_before_the_model_loads(string option, string value, string problem)
    {
        CliRun.Of("chat", "--model", ServeFixture.ModelFolder, option, value).AssertFailedWith(problem);
    }
}
