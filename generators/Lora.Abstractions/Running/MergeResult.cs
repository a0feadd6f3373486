namespace Lora
{
    /// <summary>The outcome of <see cref="IExperimentRunner.MergeAsync"/>.</summary>
    /// <param name="ModelDirectory">The saved Hugging Face model folder (<c>config.json</c> + <c>model.safetensors</c>).</param>
    /// <param name="DType">The element type of the saved weights.</param>
    public sealed record MergeResult(string ModelDirectory, MergeDType DType);
}
