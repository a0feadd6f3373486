using Lora;

namespace GpuCheck;

/// <summary>
/// The spam-filtering demo of the template, cut to 30 steps and a small eval split: long enough for the adapter to move
/// away from its start, short enough to train on a CPU beside the GPU run, so the two adapters can be compared.
/// </summary>
[Experiment("gpu-check", Description = "Spam or ham, 30 steps: the same run on the GPU and on the CPU")]
[BaseModel("lora-tiny-en")]
[LoraAdapter(Rank = 16, Alpha = 32, Dropout = 0.0, Targets = new[] { "q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj" })]
[Dataset<Email>("data/spam-assassin.jsonl", Prompt = "Subject: {Subject}\n{Body}\nSpam:", Completion = " {Spam}", EvalFraction = 0.02, MaxLength = 128)]
[Training(MaxSteps = 30, LearningRate = 2e-3, BatchSize = 16, EvalBatchSize = 16, Schedule = LrSchedule.Cosine, WarmupSteps = 3, LoggingSteps = 5)]
[Evaluate(Metric.Accuracy, Metric.Perplexity, MaxNewTokens = 2)]
[Merge(DType = MergeDType.Float32)]
public partial record GpuCheckExperiment;

/// <summary>A row of data/spam-assassin.jsonl.</summary>
public sealed record Email(string Subject, string Body, string Spam);
