using System;
using System.Collections.Generic;

namespace Lora
{
    /// <summary>The resolved <see cref="LoraAdapterAttribute"/>; see it for each setting's meaning.</summary>
    /// <param name="Rank">Rank r.</param>
    /// <param name="Alpha">Scaling numerator α.</param>
    /// <param name="Dropout">Dropout on the adapter's input.</param>
    /// <param name="Targets">Module name suffixes to adapt, with the family default applied.</param>
    /// <param name="Bias">Which biases train.</param>
    /// <param name="UseRsLora">Scale by α/√r instead of α/r.</param>
    /// <param name="UseDora">Weight-decomposed LoRA.</param>
    /// <param name="InitFrom">A PEFT adapter folder to start from, or null.</param>
    public sealed record LoraSettings(
        int Rank,
        double Alpha,
        double Dropout,
        IReadOnlyList<string> Targets,
        LoraBias Bias,
        bool UseRsLora,
        bool UseDora,
        string? InitFrom)
    {
        /// <summary>The factor the update B·A is multiplied by: α/r, or α/√r with rsLoRA (PEFT's <c>scaling</c>).</summary>
        public double Scaling => UseRsLora ? Alpha / Math.Sqrt(Rank) : Alpha / Rank;
    }
}
