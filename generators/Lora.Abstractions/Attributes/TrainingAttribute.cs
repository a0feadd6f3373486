using System;

namespace Lora
{
    /// <summary>
    /// The training loop: Hugging Face <c>TrainingArguments</c> and their defaults, except the learning rate
    /// (2e-4, the usual LoRA/QLoRA rate; the Trainer's 5e-5 is tuned for full fine-tuning).
    /// </summary>
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
    public sealed class TrainingAttribute : Attribute
    {
        /// <summary>Passes over the training rows; at least 1. Ignored when <see cref="MaxSteps"/> is set. Default 3.</summary>
        public int Epochs { get; set; } = SettingDefaults.Epochs;

        /// <summary>Optimizer steps to run instead of <see cref="Epochs"/>; 0 means "use epochs". Default 0.</summary>
        public int MaxSteps { get; set; }

        /// <summary>Peak learning rate, in (0, 1). Default 2e-4.</summary>
        public double LearningRate { get; set; } = SettingDefaults.LearningRate;

        /// <summary>Rows per micro-batch; at least 1. Default 8.</summary>
        public int BatchSize { get; set; } = SettingDefaults.BatchSize;

        /// <summary>Rows per evaluation batch; at least 1. Default 8.</summary>
        public int EvalBatchSize { get; set; } = SettingDefaults.EvalBatchSize;

        /// <summary>Micro-batches whose gradients add up to one optimizer step; at least 1. Default 1.</summary>
        public int GradientAccumulation { get; set; } = SettingDefaults.GradientAccumulation;

        /// <summary>Steps of linear warm-up from 0 to the peak rate. Set this or <see cref="WarmupRatio"/>, not both. Default 0.</summary>
        public int WarmupSteps { get; set; }

        /// <summary>Warm-up as a share of all steps, in [0, 1). Set this or <see cref="WarmupSteps"/>, not both. Default 0.</summary>
        public double WarmupRatio { get; set; }

        /// <summary>The decay after warm-up. Default <see cref="LrSchedule.Linear"/>.</summary>
        public LrSchedule Schedule { get; set; } = SettingDefaults.Schedule;

        /// <summary>Decoupled weight decay of AdamW, at least 0. Default 0.</summary>
        public double WeightDecay { get; set; }

        /// <summary>Clip the global gradient norm to this; 0 disables clipping. Default 1.</summary>
        public double MaxGradNorm { get; set; } = SettingDefaults.MaxGradNorm;

        /// <summary>Seed for adapter initialisation, dropout and shuffling. Default 42.</summary>
        public int Seed { get; set; } = SettingDefaults.Seed;

        /// <summary>Recompute activations in the backward pass: less memory, about a third more compute. Default false.</summary>
        public bool GradientCheckpointing { get; set; }

        /// <summary>The optimizer. Default <see cref="OptimizerType.AdamW"/>.</summary>
        public OptimizerType Optimizer { get; set; } = SettingDefaults.Optimizer;

        /// <summary>AdamW β1, in [0, 1). Default 0.9 (PyTorch's).</summary>
        public double Beta1 { get; set; } = SettingDefaults.Beta1;

        /// <summary>AdamW β2, in [0, 1). Default 0.999 (PyTorch's).</summary>
        public double Beta2 { get; set; } = SettingDefaults.Beta2;

        /// <summary>AdamW ε, above 0. Default 1e-8 (PyTorch's).</summary>
        public double Epsilon { get; set; } = SettingDefaults.Epsilon;

        /// <summary>The type activations and unquantized base weights use during training. Default <see cref="ComputeType.Auto"/>:
        /// bfloat16 on a GPU that has it, float32 on the CPU.</summary>
        public ComputeType Precision { get; set; } = SettingDefaults.Precision;

        /// <summary>Evaluate every this many steps; 0 evaluates at the end of each epoch. Default 0.</summary>
        public int EvalSteps { get; set; }

        /// <summary>Save a resumable checkpoint every this many steps; 0 saves at the end of each epoch. Default 0.</summary>
        public int SaveSteps { get; set; }

        /// <summary>Report progress every this many steps; at least 1. Default 10.</summary>
        public int LoggingSteps { get; set; } = SettingDefaults.LoggingSteps;

        /// <summary>Stop after this many evaluations without improvement of the evaluation loss; 0 disables early stopping. Default 0.</summary>
        public int EarlyStoppingPatience { get; set; }

        /// <summary>
        /// Keep the adapter of the evaluation with the lowest eval loss (the final state counts as one) instead of the last
        /// one, as transformers' <c>load_best_model_at_end</c>; needs eval rows. Default false.
        /// </summary>
        public bool LoadBestModelAtEnd { get; set; }
    }
}
