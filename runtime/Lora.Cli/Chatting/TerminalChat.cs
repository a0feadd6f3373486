using System.Text;
using Microsoft.Extensions.AI;

namespace Lora.Cli.Chatting;

/// <summary>
/// A conversation typed line by line with an <see cref="IChatClient"/>: each line the user enters is a message, the reply is
/// streamed to <c>output</c> as it is generated (then a newline), and both join the history the next reply reads. Lines that
/// start with <c>/</c> are commands (<see cref="Help"/>); <c>//</c> sends a message that starts with <c>/</c>. The prompt and
/// notes go to <c>notes</c> (stderr), so that <c>output</c> holds the replies only. End of input, <c>/exit</c> and
/// cancellation (Ctrl+C, also during a reply) end it.
/// </summary>
/// <param name="client">The model that answers.</param>
/// <param name="options">What each request asks (model id, sampling, token limit).</param>
/// <param name="system">The system message that opens every conversation, or null.</param>
public sealed class TerminalChat(IChatClient client, ChatOptions options, string? system, TextReader input, TextWriter output, TextWriter notes)
{
    /// <summary>The commands, as <c>/help</c> lists them.</summary>
    public const string Help = "/reset starts a new conversation, /exit (or end of input, Ctrl+D; or Ctrl+C) ends, /help shows this.";

    readonly List<ChatMessage> _history = [];

    /// <summary>The conversation so far: the system message, then each user message and reply.</summary>
    public IReadOnlyList<ChatMessage> History => _history;

    /// <summary>Runs the conversation until the input ends, <c>/exit</c>, or <paramref name="cancellationToken"/>.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Reset();
        while (!cancellationToken.IsCancellationRequested)
        {
            notes.Write("> ");
            notes.Flush();
            string? line;
            try
            {
                // A console read cannot be cancelled: on Ctrl+C the read is left behind and the chat ends.
                line = await Task.Run(input.ReadLine, CancellationToken.None).WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            if (line is null) break;
            if (line.Trim().Length == 0) continue;
            if (line.StartsWith('/') && !line.StartsWith("//", StringComparison.Ordinal))
            {
                if (!Command(line.Trim())) break;
                continue;
            }
            if (!await ReplyAsync(line.StartsWith("//", StringComparison.Ordinal) ? line[1..] : line, cancellationToken)) break;
        }
        notes.WriteLine();
    }

    /// <summary>Carries out a command; false when it ends the chat.</summary>
    bool Command(string line)
    {
        switch (line)
        {
            case "/exit" or "/quit":
                return false;
            case "/reset":
                Reset();
                notes.WriteLine("(new conversation)");
                return true;
            case "/help":
                notes.WriteLine(Help);
                return true;
            default:
                notes.WriteLine($"Unknown command {line.Split(' ')[0]}. {Help} Start a message with // to send it with one /.");
                return true;
        }
    }

    void Reset()
    {
        _history.Clear();
        if (!string.IsNullOrEmpty(system)) _history.Add(new ChatMessage(ChatRole.System, system));
    }

    /// <summary>Streams the reply to <paramref name="text"/>; false when cancellation ended it (and the chat).</summary>
    async Task<bool> ReplyAsync(string text, CancellationToken cancellationToken)
    {
        var message = new ChatMessage(ChatRole.User, text);
        var reply = new StringBuilder();
        ChatFinishReason? finish = null;
        try
        {
            await foreach (var update in client.GetStreamingResponseAsync([.. _history, message], options, cancellationToken))
            {
                if (update.Text is { Length: > 0 } piece)
                {
                    output.Write(piece);
                    output.Flush();
                    reply.Append(piece);
                }
                finish = update.FinishReason ?? finish;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            output.WriteLine();
            return false;
        }
        catch (ArgumentException e)
        {
            // The conversation no longer fits the model's context, or its template refuses it: the user can go on after /reset.
            notes.WriteLine($"lora: {e.Message} (/reset starts a new conversation)");
            return true;
        }
        output.WriteLine();
        output.Flush();
        _history.Add(message);
        _history.Add(new ChatMessage(ChatRole.Assistant, reply.ToString()));
        if (finish == ChatFinishReason.Length) notes.WriteLine($"(the reply reached the token limit, {options.MaxOutputTokens}: --max-tokens)");
        return true;
    }
}
