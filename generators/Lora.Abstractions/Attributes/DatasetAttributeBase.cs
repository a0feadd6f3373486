using System;

namespace Lora
{
    /// <summary>Settings shared by <see cref="DatasetAttribute"/> and <see cref="DatasetAttribute{TRow}"/>.</summary>
    public abstract class DatasetAttributeBase : Attribute
    {
        /// <summary>Names the training file.</summary>
        /// <param name="path">A JSONL file, relative to the project directory or absolute.</param>
        protected DatasetAttributeBase(string path)
        {
            Path = path;
        }

        /// <summary>The JSONL training file.</summary>
        public string Path { get; }

        /// <summary>Share of rows held out for evaluation, in [0, 1) (Axolotl <c>val_set_size</c>). Default 0: no split.</summary>
        public double EvalFraction { get; set; }

        /// <summary>Shuffle rows (seeded by <see cref="TrainingAttribute.Seed"/>) before splitting and each epoch. Default true.</summary>
        public bool Shuffle { get; set; } = SettingDefaults.Shuffle;

        /// <summary>Longest row in tokens; longer rows are truncated. At least 8. Default 512.</summary>
        public int MaxLength { get; set; } = SettingDefaults.MaxLength;

        /// <summary>A separate evaluation file in the same format; overrides <see cref="EvalFraction"/>.</summary>
        public string? EvalPath { get; set; }

        /// <summary>Also compute the loss on prompt tokens (Axolotl <c>train_on_inputs</c>). Default false: completion-only loss.</summary>
        public bool TrainOnInputs { get; set; }

        /// <summary>Append the tokenizer's end-of-sequence token to every completion. Default true. Chat rows end each turn as
        /// their chat template writes it, and token-id rows as written.</summary>
        public bool AddEos { get; set; } = SettingDefaults.AddEos;
    }
}
