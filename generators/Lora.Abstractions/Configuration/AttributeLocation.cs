namespace Lora
{
    /// <summary>
    /// Where one of an experiment's attributes is written in <see cref="ExperimentConfig.SourcePath"/>, so that an error the
    /// build finds while it trains (a threshold not met, a setting the runtime refuses) opens that line.
    /// </summary>
    /// <param name="Attribute">The attribute's name without "Attribute": <c>Experiment</c>, <c>BaseModel</c>, <c>Dataset</c>, <c>Expect</c>…</param>
    /// <param name="Line">Its first line, from 1.</param>
    /// <param name="Column">Its first column, from 1.</param>
    public sealed record AttributeLocation(string Attribute, int Line, int Column);
}
