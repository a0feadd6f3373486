namespace Lora.Tools.Pretraining;

/// <summary>Held-out perplexity: exp of the mean next-token cross-entropy over <paramref name="PredictedTokens"/> predictions.</summary>
/// <param name="MeanLoss">Mean negative log-likelihood per predicted token, in nats.</param>
/// <param name="PredictedTokens">Positions that predicted a next token (each row's first token predicts nothing).</param>
public sealed record PerplexityResult(double MeanLoss, long PredictedTokens)
{
    public double Perplexity => Math.Exp(MeanLoss);
}
