using Lora.Runtime.Generation;
using Lora.Runtime.Models;
using Lora.Runtime.Tokenization;
using Microsoft.Extensions.AI;

namespace Lora.Runtime.Chat;

/// <summary>
/// One reply being generated, a token per <see cref="Step"/>: the ids from <see cref="TextGenerator.Stream"/> (with the KV
/// cache), their text through <see cref="ReplyText"/>, and why it ended. Synchronous; each step may run on another thread.
/// </summary>
internal sealed class ChatReply : IDisposable
{
    readonly IEnumerator<int> _tokens;
    readonly ReplyText _text;
    readonly HashSet<int> _stopIds;
    readonly int _maxTokens;

    /// <param name="model">The model, with the request's adapter active.</param>
    /// <param name="tokenizer">Decodes the reply.</param>
    /// <param name="promptIds">The rendered conversation's ids.</param>
    /// <param name="sampling">How tokens are chosen; its EOS ids end the reply, its MaxNewTokens limits it.</param>
    /// <param name="stopSequences">Texts that end the reply.</param>
    /// <param name="cancellationToken">Checked before each token.</param>
    public ChatReply(CausalLanguageModel model, ModelTokenizer tokenizer, IReadOnlyList<int> promptIds, SamplingOptions sampling,
        IReadOnlyList<string> stopSequences, CancellationToken cancellationToken)
    {
        _tokens = TextGenerator.Stream(model, promptIds, sampling, cancellationToken).GetEnumerator();
        _text = new ReplyText(tokenizer, stopSequences);
        _stopIds = (sampling.EosTokenIds ?? model.Config.EosTokenIds).ToHashSet();
        _maxTokens = sampling.MaxNewTokens;
        InputTokens = promptIds.Count;
    }

    public int InputTokens { get; }

    /// <summary>Tokens generated, the one that ended the reply included.</summary>
    public int OutputTokens { get; private set; }

    /// <summary>Null while the reply goes on; <see cref="ChatFinishReason.Stop"/> at a stop id or stop sequence,
    /// <see cref="ChatFinishReason.Length"/> at the token limit.</summary>
    public ChatFinishReason? FinishReason { get; private set; }

    /// <summary>The reply's text so far.</summary>
    public string Text => _text.Released;

    /// <summary>Generates one token and returns the text it made final ("" when none); at the end, with what was held back.</summary>
    /// <exception cref="OperationCanceledException">The request was cancelled.</exception>
    public string Step()
    {
        if (FinishReason is not null) throw new InvalidOperationException("The reply has ended.");
        if (OutputTokens >= _maxTokens || !_tokens.MoveNext()) return End(ChatFinishReason.Length);
        int id = _tokens.Current;
        OutputTokens++;
        if (_stopIds.Contains(id)) return End(ChatFinishReason.Stop);
        string piece = _text.Add(id);
        if (_text.Stopped)
        {
            FinishReason = ChatFinishReason.Stop;
            return piece;
        }
        return OutputTokens >= _maxTokens ? piece + End(ChatFinishReason.Length) : piece;
    }

    /// <summary>The usage counts so far.</summary>
    public UsageDetails Usage => new() { InputTokenCount = InputTokens, OutputTokenCount = OutputTokens, TotalTokenCount = InputTokens + OutputTokens };

    string End(ChatFinishReason reason)
    {
        FinishReason = reason;
        return _text.Flush();
    }

    public void Dispose() => _tokens.Dispose();
}
