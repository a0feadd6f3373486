namespace Lora
{
    /// <summary>
    /// Every experiment setting's default that is not its type's zero, in one place: the attributes initialise their
    /// properties from these, and the generator's setting catalog (which resolves an experiment, and renders
    /// docs/settings.md) reads the same constants, compiled into it. A setting without an entry here defaults to 0, false or none.
    /// </summary>
    public static class SettingDefaults
    {
        // [BaseModel] (huggingface_hub's DEFAULT_REVISION)
        /// <summary>Default of <see cref="BaseModelAttribute.Revision"/>.</summary>
        public const string Revision = "main";

        // [LoraAdapter] (PEFT's LoraConfig defaults)
        /// <summary>Default of <see cref="LoraAdapterAttribute.Rank"/>.</summary>
        public const int Rank = 8;
        /// <summary>Default of <see cref="LoraAdapterAttribute.Alpha"/>.</summary>
        public const double Alpha = 8;
        /// <summary>Default of <see cref="LoraAdapterAttribute.Bias"/>.</summary>
        public const LoraBias Bias = LoraBias.None;

        // [Quantize] (bitsandbytes' 4-bit defaults; Auto: bfloat16 on a GPU that has it, float32 on the CPU)
        /// <summary>Default of <see cref="QuantizeAttribute(QuantType)"/>.</summary>
        public const QuantType QuantType = Lora.QuantType.NF4;
        /// <summary>Default of <see cref="QuantizeAttribute.ComputeType"/>.</summary>
        public const ComputeType QuantComputeType = ComputeType.Auto;

        // [Dataset], [Dataset<TRow>]
        /// <summary>Default of <see cref="DatasetAttribute.Format"/>.</summary>
        public const DatasetFormat Format = DatasetFormat.Jsonl;
        /// <summary>Default of <see cref="DatasetAttribute.TextField"/>.</summary>
        public const string TextField = "text";
        /// <summary>Default of <see cref="DatasetAttribute{TRow}.Prompt"/>.</summary>
        public const string Prompt = "";
        /// <summary>Default of <see cref="DatasetAttributeBase.Shuffle"/>.</summary>
        public const bool Shuffle = true;
        /// <summary>Default of <see cref="DatasetAttributeBase.MaxLength"/>.</summary>
        public const int MaxLength = 512;
        /// <summary>Default of <see cref="DatasetAttributeBase.AddEos"/>.</summary>
        public const bool AddEos = true;

        // [Training] (transformers' Trainer and PyTorch's AdamW where they have one)
        /// <summary>Default of <see cref="TrainingAttribute.Epochs"/>.</summary>
        public const int Epochs = 3;
        /// <summary>Default of <see cref="TrainingAttribute.LearningRate"/>.</summary>
        public const double LearningRate = 2e-4;
        /// <summary>Default of <see cref="TrainingAttribute.BatchSize"/>.</summary>
        public const int BatchSize = 8;
        /// <summary>Default of <see cref="TrainingAttribute.EvalBatchSize"/>.</summary>
        public const int EvalBatchSize = 8;
        /// <summary>Default of <see cref="TrainingAttribute.GradientAccumulation"/>.</summary>
        public const int GradientAccumulation = 1;
        /// <summary>Default of <see cref="TrainingAttribute.Schedule"/>.</summary>
        public const LrSchedule Schedule = LrSchedule.Linear;
        /// <summary>Default of <see cref="TrainingAttribute.MaxGradNorm"/>.</summary>
        public const double MaxGradNorm = 1.0;
        /// <summary>Default of <see cref="TrainingAttribute.Seed"/>.</summary>
        public const int Seed = 42;
        /// <summary>Default of <see cref="TrainingAttribute.Optimizer"/>.</summary>
        public const OptimizerType Optimizer = OptimizerType.AdamW;
        /// <summary>Default of <see cref="TrainingAttribute.Beta1"/>.</summary>
        public const double Beta1 = 0.9;
        /// <summary>Default of <see cref="TrainingAttribute.Beta2"/>.</summary>
        public const double Beta2 = 0.999;
        /// <summary>Default of <see cref="TrainingAttribute.Epsilon"/>.</summary>
        public const double Epsilon = 1e-8;
        /// <summary>Default of <see cref="TrainingAttribute.Precision"/>.</summary>
        public const ComputeType Precision = ComputeType.Auto;
        /// <summary>Default of <see cref="TrainingAttribute.LoggingSteps"/>.</summary>
        public const int LoggingSteps = 10;

        // [Evaluate], [Merge]
        /// <summary>Default of <see cref="EvaluateAttribute.MaxNewTokens"/>.</summary>
        public const int MaxNewTokens = 32;
        /// <summary>Default of <see cref="MergeAttribute.DType"/>.</summary>
        public const MergeDType MergeDType = Lora.MergeDType.Float16;
        /// <summary>Default of <see cref="MergeAttribute.SafeMerge"/>.</summary>
        public const bool SafeMerge = true;

        // [Export]

        /// <summary>Default of <see cref="ExportAttribute.Gguf"/>.</summary>
        public const GgufType GgufType = Lora.GgufType.F16;
    }
}
