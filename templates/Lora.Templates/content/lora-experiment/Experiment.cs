using Lora;

namespace LoraExperiment;

/// <summary>
/// Fine-tunes the base model on data/train.jsonl with a LoRA adapter. `dotnet build` checks every setting below
/// while you type, then trains: the adapter (PEFT format), the merged model, eval.json, report.md and loss.svg land in
/// artifacts/lora/lora-experiment-name/. Change a setting, the data or the base model and the next build retrains;
/// change nothing and it skips training. Stop a build midway and the next one resumes from the last checkpoint.
/// </summary>
[Experiment("lora-experiment-name", Description = "Answers short questions in the style of data/train.jsonl")]
[BaseModel("BASE_MODEL_PATH")]
#if (QLoRA)
[Quantize(QuantType.NF4, DoubleQuant = true)]
#endif
[LoraAdapter(Rank = 8, Alpha = 16, Dropout = 0.05, Targets = new[] { "q_proj", "v_proj" })]
[Dataset("data/train.jsonl", MaxLength = 128, EvalFraction = 0.1)]
[Training(MaxSteps = 60, LearningRate = 2e-4, BatchSize = 4, Schedule = LrSchedule.Cosine, WarmupSteps = 5, SaveSteps = 20, LoggingSteps = 5)]
[Evaluate(Metric.Perplexity)]
[Merge(DType = MergeDType.Float32)]
public partial record MyExperiment;
