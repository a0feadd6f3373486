namespace Lora
{
    /// <summary>The resolved <see cref="MergeAttribute"/>.</summary>
    /// <param name="DType">The element type of the saved weights.</param>
    /// <param name="SafeMerge">Refuse to save non-finite merged weights.</param>
    public sealed record MergeSettings(MergeDType DType, bool SafeMerge);
}
