namespace Lora
{
    /// <summary>What an evaluation measures on the held-out rows.</summary>
    public enum Metric
    {
        /// <summary>exp(mean token cross-entropy) over completion tokens; lower is better.</summary>
        Perplexity,

        /// <summary>Share of rows whose generated completion equals the expected one after trimming whitespace.</summary>
        Accuracy,

        /// <summary>Share of rows whose generated completion equals the expected one exactly.</summary>
        ExactMatch,

        /// <summary>F1 per distinct expected completion (class), averaged without weights.</summary>
        MacroF1,

        /// <summary>ROUGE-L F-measure between generated and expected completions.</summary>
        RougeL,

        /// <summary>Mean token cross-entropy over completion tokens; lower is better.</summary>
        EvalLoss,

        /// <summary>
        /// Multiple-choice accuracy as lm-evaluation-harness scores it (<c>acc</c>): over the rows of
        /// <see cref="EvaluateAttribute.ChoicesPath"/>, the share whose answer is the choice with the highest summed
        /// log-likelihood of its tokens after the question.
        /// </summary>
        ChoiceAccuracy,

        /// <summary>
        /// Length-normalised multiple-choice accuracy as lm-evaluation-harness scores it (<c>acc_norm</c>): as
        /// <see cref="ChoiceAccuracy"/>, with each choice's log-likelihood divided by its length in characters.
        /// </summary>
        ChoiceAccuracyNorm,
    }
}
