namespace Lora
{
    /// <summary>The resolved <see cref="ExportAttribute"/>.</summary>
    /// <param name="Gguf">The element type of the GGUF file's weight matrices.</param>
    public sealed record ExportSettings(GgufType Gguf);
}
