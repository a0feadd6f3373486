namespace Lora.Generators.Files
{
    /// <summary>One non-blank line from the head of a dataset file.</summary>
    /// <param name="Number">Its 1-based line number in the file.</param>
    /// <param name="Text">Its text.</param>
    internal sealed record DatasetLine(int Number, string Text);
}
