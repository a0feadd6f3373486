namespace Lora
{
    /// <summary>The resolved <see cref="DatasetAttribute"/> or <see cref="DatasetAttribute{TRow}"/>.</summary>
    /// <param name="Path">The training file (as written; see <see cref="ExperimentConfig.ResolvePath"/>).</param>
    /// <param name="Format">The line format; <see cref="DatasetFormat.Jsonl"/> for typed rows.</param>
    /// <param name="TextField">The text field for <see cref="DatasetFormat.Jsonl"/> rows without templates, else null.</param>
    /// <param name="RowType">The full name of the row type of <see cref="DatasetAttribute{TRow}"/>, else null.</param>
    /// <param name="Prompt">The prompt template for typed rows, else null.</param>
    /// <param name="Completion">The completion template for typed rows, else null.</param>
    /// <param name="EvalFraction">Share of rows held out for evaluation.</param>
    /// <param name="Shuffle">Whether rows are shuffled.</param>
    /// <param name="MaxLength">Longest row in tokens.</param>
    /// <param name="EvalPath">A separate evaluation file, or null.</param>
    /// <param name="TrainOnInputs">Whether prompt tokens count in the loss.</param>
    /// <param name="AddEos">Whether an end-of-sequence token follows each completion.</param>
    public sealed record DatasetSettings(
        string Path,
        DatasetFormat Format,
        string? TextField,
        string? RowType,
        string? Prompt,
        string? Completion,
        double EvalFraction,
        bool Shuffle,
        int MaxLength,
        string? EvalPath,
        bool TrainOnInputs,
        bool AddEos);
}
