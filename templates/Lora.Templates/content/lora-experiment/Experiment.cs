using Lora;

namespace LoraExperiment;

/// <summary>
/// Teaches the base model to tell spam e-mails from the rest, answering " yes" or " no" (data/spam-assassin.jsonl: 3,468 e-mails of the SpamAssassin
/// public corpus; data/README.md says how they were prepared). `dotnet build` checks every setting below while you
/// type, then trains: the adapter (PEFT format), the merged model, eval.json, report.md and loss.svg land in
/// artifacts/lora/lora-experiment-name/, with the base and tuned models' accuracy and macro-F1 on the held-out tenth.
/// Change a setting, the data or the base model and the next build retrains; change nothing and it skips training.
/// Stop a build midway and the next one resumes from the last checkpoint. The loss covers the answer only (the prompt
/// carries none), so training runs the model's output layer on two tokens a row: 1,000 steps of 16 rows, about five
/// passes over the training rows. The answers are words the base model knows (data/README.md says why that matters).
/// </summary>
[Experiment("lora-experiment-name", Description = "Says whether an e-mail is spam")]
[BaseModel("BASE_MODEL_PATH")]
#if (QLoRA)
[Quantize(QuantType.NF4, DoubleQuant = true)]
#endif
[LoraAdapter(Rank = 16, Alpha = 32, Dropout = 0.05, Targets = new[] { "q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj" })]
[Dataset<Email>("data/spam-assassin.jsonl", Prompt = "Subject: {Subject}\n{Body}\nSpam:", Completion = " {Spam}", EvalFraction = 0.1, MaxLength = 128)]
[Training(MaxSteps = 1000, LearningRate = 1e-3, BatchSize = 16, EvalBatchSize = 16, Schedule = LrSchedule.Cosine, WarmupSteps = 50, SaveSteps = 100, LoggingSteps = 10)]
[Evaluate(Metric.Accuracy, Metric.MacroF1, Metric.Perplexity, MaxNewTokens = 2)]
[Merge(DType = MergeDType.Float32)]
public partial record MyExperiment;

/// <summary>A row of data/spam-assassin.jsonl: the e-mail's subject and text, and whether it is spam: "yes" or "no".</summary>
public sealed record Email(string Subject, string Body, string Spam);
