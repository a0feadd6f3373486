using System.Globalization;
using System.Text;

namespace Lora.Runtime.Pretraining;

/// <summary>The model card (<c>README.md</c> of the model folder), rendered from the recipe and what the run measured.</summary>
public static class ModelCard
{
    public const string FileName = "README.md";

    public static string Render(PretrainingRecipe recipe, PretrainingSummary summary, long weightsBytes)
    {
        var a = recipe.Architecture;
        var card = new StringBuilder();
        card.AppendLine($"# {recipe.Name}");
        card.AppendLine();
        card.AppendLine($"A {Millions(summary.Parameters)}M-parameter Llama-architecture English language model, pretrained from scratch by");
        card.AppendLine("Lora.Sdk's own TorchSharp runtime (the full-parameter mode of its trainer) on public-domain English: the U.S.");
        card.AppendLine("State of the Union addresses and Moby Dick. It ships with Lora.Sdk as the built-in base model");
        card.AppendLine($"`[BaseModel(\"{recipe.Name}\")]`.");
        card.AppendLine();
        card.AppendLine("## Intended use");
        card.AppendLine();
        card.AppendLine("A small, offline base for demonstrating and testing LoRA fine-tuning, merging and evaluation. It writes");
        card.AppendLine("locally fluent but aimless 19th/20th-century political prose; it knows little and states falsehoods.");
        card.AppendLine("Not for real use: no instruction tuning, no safety work, no factual reliability.");
        card.AppendLine();
        card.AppendLine("## Model");
        card.AppendLine();
        card.AppendLine("| | |");
        card.AppendLine("| --- | --- |");
        card.AppendLine($"| parameters | {summary.Parameters:N0} (token embedding {(long)a.VocabSize * a.HiddenSize:N0}, tied with the LM head) |");
        card.AppendLine($"| architecture | `LlamaForCausalLM`: {a.NumLayers} layers, hidden {a.HiddenSize}, {a.NumHeads} heads / {a.NumKeyValueHeads} key-value heads (head {a.HiddenSize / a.NumHeads}), SwiGLU MLP {a.IntermediateSize}, RMSNorm ε {a.RmsNormEpsilon:G}, RoPE θ {a.RopeTheta:G} |");
        card.AppendLine($"| context | trained on {recipe.SequenceLength}-token rows; declared up to {a.MaxPositionEmbeddings} positions |");
        card.AppendLine($"| tokenizer | GPT-2 byte-level BPE, {a.VocabSize:N0} ids, `<|endoftext|>` = {a.EndOfTextId} is BOS, EOS and the document separator (vocab.json, merges.txt) |");
        card.AppendLine($"| weights | model.safetensors, {recipe.SavedDType}, {weightsBytes:N0} bytes |");
        card.AppendLine();
        card.AppendLine("## Data");
        card.AppendLine();
        card.AppendLine("| npm package | version | sha256 of the .tgz |");
        card.AppendLine("| --- | --- | --- |");
        foreach (var input in recipe.Inputs) card.AppendLine($"| `{input.Package}` | {input.Version} | `{input.Sha256}` |");
        card.AppendLine();
        card.AppendLine("The packages are Apache-2.0 (The Stdlib Authors); the texts in them are in the public domain (U.S. government");
        card.AppendLine("works; Herman Melville's *Moby-Dick; or, The Whale*, 1851, via Project Gutenberg). The weights inherit no restriction from the data.");
        card.AppendLine();
        card.AppendLine($"Whitespace is normalised, each document is followed by `<|endoftext|>`, and the token stream is cut into rows of {recipe.SequenceLength}.");
        card.AppendLine($"Held out: {recipe.HeldOut.Describe()} — {summary.HeldOutDocuments.Count} addresses, {summary.HeldOutTokens:N0} tokens:");
        card.AppendLine(string.Join(", ", summary.HeldOutDocuments.Select(d => $"`{d}`")) + ".");
        card.AppendLine($"Trained on the other {summary.TrainingDocuments} documents ({summary.TrainingTokens:N0} tokens).");
        card.AppendLine();
        card.AppendLine("## Training");
        card.AppendLine();
        card.AppendLine($"{recipe.Steps:N0} AdamW steps (β {recipe.Beta1:G}/{recipe.Beta2:G}, weight decay {recipe.WeightDecay:G}, clip {recipe.MaxGradNorm:G}) of {recipe.BatchSize}×{recipe.GradientAccumulation} rows × {recipe.SequenceLength} tokens");
        card.AppendLine($"= {recipe.TokensPerStep:N0} tokens per step; learning rate {recipe.PeakLearningRate:G} after {recipe.WarmupSteps} warm-up steps, {recipe.Schedule.ToString().ToLowerInvariant()} decay to 0;");
        card.AppendLine($"{recipe.TrainingDType} parameters, seed {recipe.Seed}. Tokens seen: {summary.TokensSeen:N0} ({summary.Epochs:F2} passes over the training rows).");
        card.AppendLine($"Wall time: {Minutes(summary.TrainingSeconds)} of training, {Minutes(summary.TotalSeconds)} in all, on {summary.Threads} CPU threads (a 2-core cloud VM shared with other jobs).");
        card.AppendLine();
        card.AppendLine("| step | tokens | training loss |");
        card.AppendLine("| ---: | ---: | ---: |");
        foreach (var entry in Sample(summary.Log, 10)) card.AppendLine($"| {entry.Step:N0} | {entry.TokensSeen:N0} | {entry.MeanLoss:F3} |");
        card.AppendLine();
        card.AppendLine("## Evaluation");
        card.AppendLine();
        card.AppendLine($"Perplexity on the held-out State of the Union addresses ({summary.HeldOutSaved.PredictedTokens:N0} predicted tokens{(recipe.HeldOutEvalRows > 0 ? $", the first {recipe.HeldOutEvalRows} rows" : "")}):");
        card.AppendLine();
        card.AppendLine("| model | held-out perplexity |");
        card.AppendLine("| --- | ---: |");
        card.AppendLine($"| uniform over the vocabulary | {a.VocabSize:N0} |");
        card.AppendLine($"| {recipe.Name} as trained ({recipe.TrainingDType}) | {summary.HeldOutTrained.Perplexity:F1} |");
        card.AppendLine($"| {recipe.Name} as shipped ({recipe.SavedDType} model.safetensors) | **{summary.HeldOutSaved.Perplexity:F1}** |");
        card.AppendLine();
        card.AppendLine("## Reproduce");
        card.AppendLine();
        card.AppendLine("```sh");
        foreach (var input in recipe.Inputs) card.AppendLine($"(cd data && {input.FetchCommand})");
        card.AppendLine($"lora pretrain --recipe {RecipeFile.FileName} --data data --out {recipe.Name}");
        card.AppendLine("```");
        card.AppendLine();
        card.AppendLine($"`{RecipeFile.FileName}` holds every setting; `{PretrainingSummary.FileName}` the full log and measurements of this run.");
        card.AppendLine("CPU kernels are not bit-reproducible across machines and thread counts, so a rerun matches closely, not exactly.");
        return card.ToString();
    }

    static IEnumerable<TrainingLogEntry> Sample(IReadOnlyList<TrainingLogEntry> log, int count) =>
        log.Count <= count ? log : Enumerable.Range(0, count).Select(i => log[(int)Math.Round(i * (log.Count - 1) / (double)(count - 1))]);

    static string Millions(long n) => (n / 1e6).ToString("F1", CultureInfo.InvariantCulture);

    static string Minutes(double seconds) => $"{seconds / 60:F1} min";
}
