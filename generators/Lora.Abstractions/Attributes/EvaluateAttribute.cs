using System;

namespace Lora
{
    /// <summary>Metrics computed on the held-out rows after training.</summary>
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
    public sealed class EvaluateAttribute : Attribute
    {
        /// <summary>Lists the metrics to compute.</summary>
        /// <param name="metrics">At least one metric.</param>
        public EvaluateAttribute(params Metric[] metrics)
        {
            Metrics = metrics;
        }

        /// <summary>The metrics to compute.</summary>
        public Metric[] Metrics { get; }

        /// <summary>Tokens generated per row for generation metrics (accuracy, exact match, F1, ROUGE-L); at least 1. Default 32.</summary>
        public int MaxNewTokens { get; set; } = SettingDefaults.MaxNewTokens;

        /// <summary>
        /// A JSONL file of multiple-choice questions, one <see cref="MultipleChoiceRow"/> a line
        /// (<c>{"question": "...", "choices": ["...", "..."], "answer": 0}</c>), scored by <see cref="Metric.ChoiceAccuracy"/>
        /// and <see cref="Metric.ChoiceAccuracyNorm"/> for the base and the tuned model. Relative to the project directory or
        /// absolute. Default none.
        /// </summary>
        public string? ChoicesPath { get; set; }
    }
}
