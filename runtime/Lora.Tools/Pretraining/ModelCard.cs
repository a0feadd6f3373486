using System.Text;

namespace Lora.Tools.Pretraining;

/// <summary>The model card (<c>README.md</c> of the model folder), rendered from the recipe and what the run measured.</summary>
public static class ModelCard
{
    public const string FileName = "README.md";

    public static string Render(PretrainingRecipe recipe, PretrainingSummary summary, long weightsBytes)
    {
        var a = recipe.Architecture;
        var card = new StringBuilder();
        // Numbers as in any README (1,024 and 0.002), whatever the culture of the machine that renders it.
        void Line(FormattableString text) => card.AppendLine(FormattableString.Invariant(text));
        Line($"# {recipe.Name}");
        card.AppendLine();
        Line($"A {Millions(summary.Parameters)}M-parameter Llama-architecture English language model, pretrained from scratch by");
        card.AppendLine("Lora.Sdk's own TorchSharp runtime (the full-parameter mode of its trainer) on public-domain English: the U.S.");
        card.AppendLine("State of the Union addresses and Moby Dick. It ships with Lora.Sdk as the built-in base model");
        Line($"`[BaseModel(\"{recipe.Name}\")]`.");
        card.AppendLine();
        card.AppendLine("## Intended use");
        card.AppendLine();
        card.AppendLine("A small, offline base for demonstrating and testing LoRA fine-tuning, merging and evaluation. Trained on a");
        card.AppendLine("small compute budget, it strings together English words and phrases in the style of the addresses but loses");
        card.AppendLine("coherence within a sentence, and greedy decoding soon repeats itself. Not for real use: no instruction tuning,");
        card.AppendLine("no safety work, no factual knowledge to rely on.");
        card.AppendLine();
        card.AppendLine("## Model");
        card.AppendLine();
        card.AppendLine("| | |");
        card.AppendLine("| --- | --- |");
        Line($"| parameters | {summary.Parameters:N0} (token embedding {(long)a.VocabSize * a.HiddenSize:N0}, tied with the LM head) |");
        Line($"| architecture | `LlamaForCausalLM`: {a.NumLayers} layers, hidden {a.HiddenSize}, {a.NumHeads} heads / {a.NumKeyValueHeads} key-value heads (head {a.HiddenSize / a.NumHeads}), SwiGLU MLP {a.IntermediateSize}, RMSNorm ε {a.RmsNormEpsilon:g}, RoPE θ {a.RopeTheta:g} |");
        Line($"| context | trained on {recipe.SequenceLength}-token rows; declared up to {a.MaxPositionEmbeddings} positions |");
        Line($"| tokenizer | GPT-2 byte-level BPE, {a.VocabSize:N0} ids, `<|endoftext|>` = {a.EndOfTextId} is BOS, EOS and the document separator (vocab.json, merges.txt) |");
        Line($"| weights | model.safetensors, {recipe.SavedDType}, {weightsBytes:N0} bytes |");
        card.AppendLine();
        card.AppendLine("## Data");
        card.AppendLine();
        card.AppendLine("| npm package | version | sha256 of the .tgz |");
        card.AppendLine("| --- | --- | --- |");
        foreach (var input in recipe.Inputs) Line($"| `{input.Package}` | {input.Version} | `{input.Sha256}` |");
        card.AppendLine();
        card.AppendLine("Licences, as the packages state them: the package code is Apache-2.0, the data files are under the Open Data Commons");
        card.AppendLine("Public Domain Dedication & License 1.0 and their contents under CC0 1.0. The texts are in the public domain: the");
        card.AppendLine("addresses are works of the U.S. Government, and Herman Melville's *Moby-Dick* was published in 1851.");
        card.AppendLine();
        Line($"Whitespace is normalised, each document is followed by `<|endoftext|>`, and the token stream is cut into rows of {recipe.SequenceLength}.");
        Line($"Held out: {recipe.HeldOut.Describe()} — {summary.HeldOutDocuments.Count} addresses, {summary.HeldOutTokens:N0} tokens:");
        card.AppendLine(string.Join(", ", summary.HeldOutDocuments.Select(d => $"`{d}`")) + ".");
        Line($"Trained on the other {summary.TrainingDocuments} documents ({summary.TrainingTokens:N0} tokens).");
        card.AppendLine();
        card.AppendLine("## Training");
        card.AppendLine();
        Line($"{recipe.Steps:N0} AdamW steps (β {recipe.Beta1:g}/{recipe.Beta2:g}, weight decay {recipe.WeightDecay:g}, clip {recipe.MaxGradNorm:g}), each on {recipe.BatchSize} rows × {recipe.GradientAccumulation} micro-batch(es) × {recipe.SequenceLength} tokens");
        Line($"= {recipe.TokensPerStep:N0} tokens per step; learning rate {recipe.PeakLearningRate:g} after {recipe.WarmupSteps} warm-up steps, {recipe.Schedule.ToString().ToLowerInvariant()} decay to 0;");
        Line($"{recipe.TrainingDType} parameters, seed {recipe.Seed}. Tokens seen: {summary.TokensSeen:N0} ({summary.Epochs:F2} passes over the training rows).");
        Line($"Wall time: {Minutes(summary.TrainingSeconds)} of training, {Minutes(summary.TotalSeconds)} in all, on {summary.Threads} CPU threads (wall time depends on the machine and on what else runs on it).");
        card.AppendLine();
        card.AppendLine("| step | tokens | training loss |");
        card.AppendLine("| ---: | ---: | ---: |");
        foreach (var entry in Sample(summary.Log, 10)) Line($"| {entry.Step:N0} | {entry.TokensSeen:N0} | {entry.MeanLoss:F3} |");
        card.AppendLine();
        card.AppendLine("## Evaluation");
        card.AppendLine();
        Line($"Perplexity on the held-out State of the Union addresses ({summary.HeldOutSaved.PredictedTokens:N0} predicted tokens{(recipe.HeldOutEvalRows > 0 ? $" in {recipe.HeldOutEvalRows} rows of {recipe.SequenceLength} spread evenly over them" : "")}):");
        card.AppendLine();
        card.AppendLine("| model | held-out perplexity |");
        card.AppendLine("| --- | ---: |");
        Line($"| uniform over the vocabulary | {a.VocabSize:N0} |");
        Line($"| {recipe.Name} as trained ({recipe.TrainingDType}) | {summary.HeldOutTrained.Perplexity:F1} |");
        Line($"| {recipe.Name} as shipped ({recipe.SavedDType} model.safetensors) | **{summary.HeldOutSaved.Perplexity:F1}** |");
        card.AppendLine();
        card.AppendLine("## Reproduce");
        card.AppendLine();
        card.AppendLine("```sh");
        foreach (var input in recipe.Inputs) Line($"(cd data && {input.FetchCommand})");
        Line($"lora pretrain --recipe {RecipeFile.FileName} --data data --out {recipe.Name}");
        card.AppendLine("```");
        card.AppendLine();
        Line($"`{RecipeFile.FileName}` holds every setting; `{PretrainingSummary.FileName}` the full log and measurements of this run.");
        card.AppendLine("CPU kernels are not bit-reproducible across machines and thread counts, so a rerun matches closely, not exactly.");
        return card.ToString();
    }

    static IEnumerable<TrainingLogEntry> Sample(IReadOnlyList<TrainingLogEntry> log, int count) =>
        log.Count <= count ? log : Enumerable.Range(0, count).Select(i => log[(int)Math.Round(i * (log.Count - 1) / (double)(count - 1))]);

    static FormattableString Millions(long n) => $"{n / 1e6:F1}";

    static FormattableString Minutes(double seconds) => $"{seconds / 60:F1} min";
}
