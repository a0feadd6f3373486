namespace Lora.Runtime.Tests.Contract;

/// <summary>
/// One changed setting: the experiment of <paramref name="Baseline"/> with the line of attribute <paramref name="Attribute"/>
/// replaced by <paramref name="Line"/>, which writes <paramref name="Argument"/>. <paramref name="Reported"/>: the diagnostic
/// the generator must give at that argument instead (the runtime cannot do what it asks).
/// </summary>
internal sealed record SettingCase(string Attribute, string Setting, string Baseline, string Line, string Argument, string? Reported = null)
{
    public override string ToString() => $"[{Attribute}] {Setting} ({Argument}, on the {Baseline} experiment)";
}

/// <summary>
/// The experiments the contract test changes one setting of: a small Llama with a byte-level tokenizer, Alpaca rows, an eval
/// split, a generative metric and a merge, so that every setting has something to act on; and each setting's change.
/// </summary>
internal static class SettingCases
{
    public const string Alpaca = "alpaca", Text = "text", Typed = "typed", Quantized = "quantized";

    /// <summary>Each baseline's attribute lines, keyed by attribute name (a case replaces the line of its attribute).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Baselines = new Dictionary<string, IReadOnlyDictionary<string, string>>
    {
        [Alpaca] = Lines(),
        [Text] = Lines(("Dataset", "[Dataset(\"train.jsonl\", Format = DatasetFormat.Jsonl, EvalFraction = 0.25, MaxLength = 256)]")),
        [Typed] = Lines(("Dataset", "[Dataset<Row>(\"typed.jsonl\", Prompt = \"Q: {Question} A:\", Completion = \" {Answer}\", EvalFraction = 0.25, MaxLength = 64)]")),
        [Quantized] = Lines(("Quantize", "[Quantize]")),
    };

    static IReadOnlyDictionary<string, string> Lines(params (string Attribute, string Line)[] changes)
    {
        var lines = new Dictionary<string, string>
        {
            ["Experiment"] = "[Experiment(\"exp\")]",
            ["BaseModel"] = "[BaseModel(\"org/model\")]",
            ["LoraAdapter"] = "[LoraAdapter]",
            ["Dataset"] = "[Dataset(\"train.jsonl\", Format = DatasetFormat.Alpaca, EvalFraction = 0.25, MaxLength = 256)]",
            ["Training"] = "[Training(BatchSize = 2, EvalBatchSize = 2, LearningRate = 0.01, LoggingSteps = 1, Seed = 1)]",
            ["Evaluate"] = "[Evaluate(Metric.Perplexity, Metric.RougeL, MaxNewTokens = 2)]",
            ["Expect"] = "[Expect(Metric.Perplexity, AtMost = 1e9)]",
            ["Merge"] = "[Merge]",
        };
        foreach (var (attribute, line) in changes) lines[attribute] = line;
        return lines;
    }

    public static string Source(IReadOnlyDictionary<string, string> lines) =>
        "using Lora;\n\nnamespace App;\n\npublic sealed record Row(string Question, string Answer);\n\n" + string.Join("\n", lines.Values) + "\npublic partial record Exp;\n";

    /// <summary>A baseline with one case's line in place of its attribute's.</summary>
    public static string Source(SettingCase c)
    {
        var lines = new Dictionary<string, string>(Baselines[c.Baseline]);
        lines[c.Attribute is "Dataset<TRow>" ? "Dataset" : c.Attribute] = c.Line;
        return Source(lines);
    }

    static SettingCase Adapter(string setting, string argument) => new("LoraAdapter", setting, Alpaca, $"[LoraAdapter({argument})]", argument);

    static SettingCase Training(string setting, string argument, string baseline = Alpaca) =>
        new("Training", setting, baseline, $"[Training(BatchSize = 2, EvalBatchSize = 2, LearningRate = 0.01, LoggingSteps = 1, Seed = 1, {argument})]", argument);

    static SettingCase Untyped(string setting, string argument, string baseline = Alpaca, string? reported = null, string evalFraction = "EvalFraction = 0.25, ") =>
        new("Dataset", setting, baseline, $"[Dataset(\"train.jsonl\", Format = DatasetFormat.{(baseline == Text ? "Jsonl" : "Alpaca")}, {evalFraction}MaxLength = 256, {argument})]",
            argument, reported);

    static SettingCase TypedRows(string setting, string argument, string evalFraction = "EvalFraction = 0.25, ") =>
        new("Dataset<TRow>", setting, Typed, $"[Dataset<Row>(\"typed.jsonl\", Prompt = \"Q: {{Question}} A:\", Completion = \" {{Answer}}\", {evalFraction}MaxLength = 64, {argument})]", argument);

    static SettingCase Quantize(string setting, string argument) => new("Quantize", setting, Quantized, $"[Quantize({argument})]", argument);

    /// <summary>Every setting of every attribute, changed once (a few twice: where a value the runtime cannot honour is reported).</summary>
    public static readonly IReadOnlyList<SettingCase> All =
    [
        new("Experiment", "Name", Alpaca, "[Experiment(\"renamed\")]", "\"renamed\""),
        new("Experiment", "Description", Alpaca, "[Experiment(\"exp\", Description = \"Greets people.\")]", "Description = \"Greets people.\""),
        new("BaseModel", "Source", Alpaca, "[BaseModel(\"model2\")]", "\"model2\""),
        new("BaseModel", "Revision", Alpaca, "[BaseModel(\"org/model\", Revision = \"v2\")]", "Revision = \"v2\""),

        Adapter("Rank", "Rank = 4"),
        Adapter("Alpha", "Alpha = 16"),
        Adapter("Dropout", "Dropout = 0.1"),
        Adapter("Targets", "Targets = new[] { \"q_proj\" }"),
        Adapter("Bias", "Bias = LoraBias.All"),
        Adapter("UseRsLora", "UseRsLora = true"),
        Adapter("UseDora", "UseDora = true"),
        Adapter("InitFrom", "InitFrom = \"init-adapter\""),

        Quantize("Type", "QuantType.FP4"),
        Quantize("Type", "QuantType.Int8") with { Reported = "LORA0015" },
        Quantize("DoubleQuant", "DoubleQuant = true"),
        Quantize("ComputeType", "ComputeType = ComputeType.BFloat16"),
        Quantize("Embeddings", "Embeddings = true"),

        new("Dataset", "Path", Alpaca, "[Dataset(\"train2.jsonl\", Format = DatasetFormat.Alpaca, EvalFraction = 0.25, MaxLength = 256)]", "\"train2.jsonl\""),
        new("Dataset", "Format", Alpaca, "[Dataset(\"train.jsonl\", Format = DatasetFormat.Jsonl, EvalFraction = 0.25, MaxLength = 256)]", "Format = DatasetFormat.Jsonl"),
        Untyped("TextField", "TextField = \"body\"", Text),
        Untyped("TextField", "TextField = \"body\"", reported: "LORA0016"),
        new("Dataset", "EvalFraction", Alpaca, "[Dataset(\"train.jsonl\", Format = DatasetFormat.Alpaca, EvalFraction = 0.5, MaxLength = 256)]", "EvalFraction = 0.5"),
        Untyped("Shuffle", "Shuffle = false"),
        new("Dataset", "MaxLength", Alpaca, "[Dataset(\"train.jsonl\", Format = DatasetFormat.Alpaca, EvalFraction = 0.25, MaxLength = 160)]", "MaxLength = 160"),
        // EvalPath replaces the held-out share (EvalFraction written beside it is LORA0016), so this line drops EvalFraction too.
        Untyped("EvalPath", "EvalPath = \"eval.jsonl\"", evalFraction: ""),
        Untyped("TrainOnInputs", "TrainOnInputs = true"),
        Untyped("TrainOnInputs", "TrainOnInputs = true", Text, reported: "LORA0016"),
        Untyped("AddEos", "AddEos = false"),

        new("Dataset<TRow>", "Path", Typed, "[Dataset<Row>(\"typed2.jsonl\", Prompt = \"Q: {Question} A:\", Completion = \" {Answer}\", EvalFraction = 0.25, MaxLength = 64)]", "\"typed2.jsonl\""),
        new("Dataset<TRow>", "Prompt", Typed, "[Dataset<Row>(\"typed.jsonl\", Prompt = \"Question: {Question} Answer:\", Completion = \" {Answer}\", EvalFraction = 0.25, MaxLength = 64)]", "Prompt = \"Question: {Question} Answer:\""),
        new("Dataset<TRow>", "Completion", Typed, "[Dataset<Row>(\"typed.jsonl\", Prompt = \"Q: {Question} A:\", Completion = \" {Answer}.\", EvalFraction = 0.25, MaxLength = 64)]", "Completion = \" {Answer}.\""),
        new("Dataset<TRow>", "EvalFraction", Typed, "[Dataset<Row>(\"typed.jsonl\", Prompt = \"Q: {Question} A:\", Completion = \" {Answer}\", EvalFraction = 0.5, MaxLength = 64)]", "EvalFraction = 0.5"),
        TypedRows("Shuffle", "Shuffle = false"),
        new("Dataset<TRow>", "MaxLength", Typed, "[Dataset<Row>(\"typed.jsonl\", Prompt = \"Q: {Question} A:\", Completion = \" {Answer}\", EvalFraction = 0.25, MaxLength = 26)]", "MaxLength = 26"),
        TypedRows("EvalPath", "EvalPath = \"typed-eval.jsonl\"", evalFraction: ""),
        TypedRows("TrainOnInputs", "TrainOnInputs = true"),
        TypedRows("AddEos", "AddEos = false"),

        Training("Epochs", "Epochs = 1"),
        Training("MaxSteps", "MaxSteps = 2"),
        new("Training", "LearningRate", Alpaca, "[Training(BatchSize = 2, EvalBatchSize = 2, LearningRate = 0.02, LoggingSteps = 1, Seed = 1)]", "LearningRate = 0.02"),
        new("Training", "BatchSize", Alpaca, "[Training(BatchSize = 3, EvalBatchSize = 2, LearningRate = 0.01, LoggingSteps = 1, Seed = 1)]", "BatchSize = 3"),
        new("Training", "EvalBatchSize", Alpaca, "[Training(BatchSize = 2, EvalBatchSize = 1, LearningRate = 0.01, LoggingSteps = 1, Seed = 1)]", "EvalBatchSize = 1"),
        Training("GradientAccumulation", "GradientAccumulation = 2"),
        Training("WarmupSteps", "WarmupSteps = 2"),
        Training("WarmupRatio", "WarmupRatio = 0.5"),
        Training("Schedule", "Schedule = LrSchedule.Cosine"),
        Training("WeightDecay", "WeightDecay = 0.1"),
        Training("MaxGradNorm", "MaxGradNorm = 0.001"),
        new("Training", "Seed", Alpaca, "[Training(BatchSize = 2, EvalBatchSize = 2, LearningRate = 0.01, LoggingSteps = 1, Seed = 2)]", "Seed = 2"),
        Training("GradientCheckpointing", "GradientCheckpointing = true"),
        Training("Optimizer", "Optimizer = OptimizerType.AdamW8Bit"),
        Training("Beta1", "Beta1 = 0.5"),
        Training("Beta2", "Beta2 = 0.9"),
        Training("Epsilon", "Epsilon = 0.001"),
        Training("Precision", "Precision = ComputeType.BFloat16"),
        Training("Precision", "Precision = ComputeType.BFloat16", Quantized) with { Reported = "LORA0016" },
        Training("EvalSteps", "EvalSteps = 2"),
        Training("SaveSteps", "SaveSteps = 2"),
        new("Training", "LoggingSteps", Alpaca, "[Training(BatchSize = 2, EvalBatchSize = 2, LearningRate = 0.01, LoggingSteps = 2, Seed = 1)]", "LoggingSteps = 2"),
        Training("EarlyStoppingPatience", "EarlyStoppingPatience = 1"),
        Training("LoadBestModelAtEnd", "LoadBestModelAtEnd = true"),

        new("Evaluate", "Metrics", Alpaca, "[Evaluate(Metric.Perplexity, Metric.ExactMatch, MaxNewTokens = 2)]", "Metric.ExactMatch"),
        new("Evaluate", "MaxNewTokens", Alpaca, "[Evaluate(Metric.Perplexity, Metric.RougeL, MaxNewTokens = 3)]", "MaxNewTokens = 3"),
        new("Evaluate", "ChoicesPath", Alpaca, "[Evaluate(Metric.Perplexity, Metric.RougeL, Metric.ChoiceAccuracy, MaxNewTokens = 2, ChoicesPath = \"questions.jsonl\")]", "ChoicesPath = \"questions.jsonl\""),
        new("Evaluate", "ChoicesPath", Alpaca, "[Evaluate(Metric.Perplexity, Metric.RougeL, MaxNewTokens = 2, ChoicesPath = \"questions.jsonl\")]", "ChoicesPath = \"questions.jsonl\"", Reported: "LORA0016"),
        new("Expect", "Metric", Alpaca, "[Expect(Metric.RougeL, AtMost = 1e9)]", "Metric.RougeL"),
        new("Expect", "AtLeast", Alpaca, "[Expect(Metric.Perplexity, AtMost = 1e9, AtLeast = 1e8)]", "AtLeast = 1e8"),
        new("Expect", "AtMost", Alpaca, "[Expect(Metric.Perplexity, AtMost = 1.5)]", "AtMost = 1.5"),
        new("Merge", "DType", Alpaca, "[Merge(DType = MergeDType.BFloat16)]", "DType = MergeDType.BFloat16"),
        new("Merge", "SafeMerge", Alpaca, "[Merge(SafeMerge = false)]", "SafeMerge = false", Reported: "LORA0015"),
        new("Export", "Gguf", Alpaca, "[Export(Gguf = GgufType.Q8_0)]", "Gguf = GgufType.Q8_0"),
    ];
}
