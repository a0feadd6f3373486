namespace Lora.Generators.Tests.Infrastructure;

/// <summary>Complete experiment sources shared by snapshot, incrementality and execution tests.</summary>
internal static class Samples
{
    /// <summary>A built-in base model with every other setting left to its default.</summary>
    public const string Minimal = """
        using Lora;

        namespace App;

        [Experiment("hello")]
        [BaseModel("lora-tiny-en")]
        [Dataset("data/text.jsonl")]
        public partial record Hello;
        """;

    /// <summary>The experiment from issue 6 on tiny-llama: typed rows, QLoRA, evaluation, expectation, merge and a rank sweep.</summary>
    public const string SpamFilter = """
        using Lora;

        namespace App;

        public sealed record Email(string Subject, string Body, string Label);

        [Experiment("spam-filter", Description = "Flags spam e-mails")]
        [BaseModel("models/tiny-llama")]
        [LoraAdapter(Rank = 8, Alpha = 16, Dropout = 0.05, Targets = new[] { "q_proj", "v_proj" }, UseRsLora = false, InitFrom = null)]
        [Quantize(QuantType.NF4, DoubleQuant = true, ComputeType = ComputeType.BFloat16)]
        [Dataset<Email>("data/mail.jsonl", Prompt = "Subject: {Subject}\n{Body}\nLabel:", Completion = " {Label}", EvalFraction = 0.1, MaxLength = 128)]
        [Training(Epochs = 3, MaxSteps = 0, LearningRate = 2e-4, BatchSize = 4, GradientAccumulation = 4, WarmupSteps = 0, WarmupRatio = 0.03,
                  Schedule = LrSchedule.Cosine, WeightDecay = 0.0, MaxGradNorm = 1.0, Seed = 42, GradientCheckpointing = false)]
        [Evaluate(Metric.Perplexity, Metric.Accuracy)]
        [Expect(Metric.Accuracy, AtLeast = 0.9)]
        [Merge(DType = MergeDType.Float16)]
        [Sweep("Rank", 4, 8, 16, 32)]
        public partial record SpamFilter;
        """;

    /// <summary>GPT-2 with chat rows, nested in a partial class, with two sweeps that multiply.</summary>
    public const string Gpt2Chat = """
        using Lora;

        namespace App.Experiments;

        public static partial class Catalog
        {
            [Experiment("gpt2-chat")]
            [BaseModel("models/tiny-gpt2")]
            [LoraAdapter(Rank = 16, Alpha = 32, Targets = new[] { "c_attn", "c_proj" })]
            [Dataset("data/chat.jsonl", Format = DatasetFormat.Chat, MaxLength = 64)]
            [Training(MaxSteps = 200, LearningRate = 1e-3, Optimizer = OptimizerType.AdamW8Bit, Precision = ComputeType.BFloat16)]
            [Sweep("LearningRate", 1e-4, 3e-4)]
            [Sweep("Training.Schedule", LrSchedule.Linear, LrSchedule.Cosine)]
            public partial record struct Gpt2Chat;
        }
        """;
}
