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
    }
}
