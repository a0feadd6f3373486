using Lora.Runtime.Models;
using static TorchSharp.torch;

namespace Lora.Runtime.Generation;

/// <summary>
/// Autoregressive generation with a KV cache, greedy or sampled: a left-padded batch with all ids at the end
/// (<see cref="Generate"/>), or one sequence token by token (<see cref="Stream"/>). Both run <see cref="DecodingSession"/>.
/// </summary>
public static class TextGenerator
{
    /// <summary>
    /// inputIds (B, T), left-padded when rows differ in length, with <paramref name="attentionMask"/> (B, T)
    /// marking real tokens. Returns (B, T + generated): the prompt followed by new tokens; rows that hit
    /// EOS are filled with the pad id until all rows are done or <see cref="SamplingOptions.MaxNewTokens"/>.
    /// </summary>
    public static Tensor Generate(CausalLanguageModel model, Tensor inputIds, Tensor? attentionMask, SamplingOptions options)
    {
        using var outer = NewDisposeScope();
        using var session = new DecodingSession(model, inputIds, attentionMask, options);
        var generated = new List<Tensor>();
        for (int i = 0; i < options.MaxNewTokens; i++)
        {
            generated.Add(session.Step().unsqueeze(1));
            if (session.AllFinished) break;   // one host sync per token: generation, not training
        }
        return cat([inputIds.to(model.Device), .. generated], 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Generates after one prompt and yields each new id as soon as it is sampled, the end id included (an id of
    /// <see cref="SamplingOptions.EosTokenIds"/>, else of the model's EOS ids), then stops; or after
    /// <see cref="SamplingOptions.MaxNewTokens"/> ids. The same ids as <see cref="Generate"/> gives for the prompt alone.
    /// Stopping the enumeration early (disposing it) frees the KV cache at once.
    /// </summary>
    /// <param name="model">The model, with the adapter to generate with active.</param>
    /// <param name="promptIds">The prompt's ids, BOS included when the model wants one.</param>
    /// <param name="options">How tokens are chosen.</param>
    /// <param name="cancellationToken">Checked before each token.</param>
    public static IEnumerable<int> Stream(CausalLanguageModel model, IReadOnlyList<int> promptIds, SamplingOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(promptIds);
        if (promptIds.Count == 0) throw new ArgumentException("The prompt has no ids; generation needs at least one.", nameof(promptIds));
        options.Validate();
        return Iterate();

        IEnumerable<int> Iterate()
        {
            DecodingSession session;
            using (NewDisposeScope())
                session = new DecodingSession(model, tensor(promptIds.Select(i => (long)i).ToArray()).unsqueeze(0), null, options);
            using (session)
            {
                for (int i = 0; i < options.MaxNewTokens; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    int id;
                    using (var next = session.Step()) id = (int)next.item<long>();
                    yield return id;
                    if (session.AllFinished) yield break;
                }
            }
        }
    }
}
