using System;

namespace Lora
{
    /// <summary>A config.json that a model cannot be built from; the message names the file and the key.</summary>
    public sealed class ModelConfigException : Exception
    {
        /// <summary>Creates the error.</summary>
        /// <param name="path">The file, as messages name it.</param>
        /// <param name="problem">What is wrong, as a clause without the file or a final period, e.g. "n_head is 0; expected a positive count".</param>
        /// <param name="isUnsupported">True when the file is valid but names a setting Lora does not implement (LORA0056), not a broken file (LORA0041).</param>
        public ModelConfigException(string path, string problem, bool isUnsupported = false)
            : base(path + ": " + problem + ".")
        {
            Problem = problem;
            IsUnsupported = isUnsupported;
        }

        /// <summary>
        /// Whether the file is one transformers loads but whose setting Lora does not implement (a rope type, non-zero dropout,
        /// a partial rotary factor outside Phi-3): refused rather than silently dropped.
        /// </summary>
        public bool IsUnsupported { get; }

        /// <summary>What is wrong, without the file (the generator's diagnostic names the file its own way).</summary>
        public string Problem { get; }
    }
}
