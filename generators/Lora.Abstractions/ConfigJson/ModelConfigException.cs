using System;

namespace Lora
{
    /// <summary>A config.json that a model cannot be built from; the message names the file and the key.</summary>
    public sealed class ModelConfigException : Exception
    {
        /// <summary>Creates the error.</summary>
        /// <param name="path">The file, as messages name it.</param>
        /// <param name="problem">What is wrong, as a clause without the file or a final period, e.g. "n_head is 0; expected a positive count".</param>
        public ModelConfigException(string path, string problem)
            : base(path + ": " + problem + ".")
        {
            Problem = problem;
        }

        /// <summary>What is wrong, without the file (the generator's diagnostic names the file its own way).</summary>
        public string Problem { get; }
    }
}
