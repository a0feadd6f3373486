namespace Lora.Tools.Pretraining;

/// <summary>What a pretraining run did and measured; stored as <c>pretraining.json</c> and rendered into the model card.</summary>
/// <param name="Parameters">Parameters of the model (the tied embedding counted once).</param>
/// <param name="TrainingDocuments">Documents trained on.</param>
/// <param name="TrainingTokens">Tokens of the packed training rows (one pass).</param>
/// <param name="HeldOutDocuments">File names of the held-out addresses.</param>
/// <param name="HeldOutTokens">Tokens of the packed held-out rows.</param>
/// <param name="TokensSeen">Training tokens consumed over all steps.</param>
/// <param name="TrainingSeconds">Wall time of the optimizer steps.</param>
/// <param name="TotalSeconds">Wall time of the whole run: reading, tokenizing, training, saving, evaluating.</param>
/// <param name="Threads">Intra-op CPU threads TorchSharp used.</param>
/// <param name="HeldOutTrained">Held-out perplexity of the model as trained (training dtype).</param>
/// <param name="HeldOutSaved">Held-out perplexity of the saved weights, reloaded from model.safetensors.</param>
/// <param name="Log">The training log.</param>
public sealed record PretrainingSummary(
    long Parameters,
    int TrainingDocuments,
    long TrainingTokens,
    IReadOnlyList<string> HeldOutDocuments,
    long HeldOutTokens,
    long TokensSeen,
    double TrainingSeconds,
    double TotalSeconds,
    int Threads,
    PerplexityResult HeldOutTrained,
    PerplexityResult HeldOutSaved,
    IReadOnlyList<TrainingLogEntry> Log)
{
    public const string FileName = "pretraining.json";

    /// <summary>Passes over the training rows.</summary>
    public double Epochs => (double)TokensSeen / TrainingTokens;
}
