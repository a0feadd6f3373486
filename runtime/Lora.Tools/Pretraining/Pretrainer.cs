using System.Diagnostics;
using System.Text.Json;
using Lora.Runtime.IO;
using Lora.Runtime.Merge;
using Lora.Runtime.Models;
using Lora.Runtime.Native;
using Lora.Runtime.Tokenization;
using Lora.Runtime.Training;
using static TorchSharp.torch;

namespace Lora.Tools.Pretraining;

/// <summary>
/// Pretrains a model from a recipe: reads and packs the corpus, trains every parameter with the runtime's
/// trainer (<see cref="LoraTrainer.FullParameters"/>), saves a self-contained Hugging Face folder, then measures
/// held-out perplexity of the model as trained and of the saved weights reloaded, and writes the model card.
/// </summary>
public sealed class Pretrainer(PretrainingRecipe recipe, TextWriter log)
{
    /// <param name="dataFolder">Holds the recipe's input tarballs, named as <c>npm pack</c> names them.</param>
    /// <param name="tokenizerFolder">Holds GPT-2's vocab.json and merges.txt, copied into the output.</param>
    /// <param name="outputFolder">The model folder to write (replaced if it exists).</param>
    public PretrainingSummary Run(string dataFolder, string tokenizerFolder, string outputFolder)
    {
        var total = Stopwatch.StartNew();
        TorchNative.EnsureLoaded();
        using var heap = NativeHeap.ForTraining(memoryLean: false, fixedShapes: true);   // packed rows of one length
        var corpus = TextCorpus.Read(recipe, dataFolder);
        var tokenizer = ModelTokenizer.Gpt2();
        int eos = recipe.Architecture.EndOfTextId;
        var training = TokenRowPacker.Pack(corpus.Training, tokenizer, eos, recipe.SequenceLength);
        var heldOut = TokenRowPacker.Pack(corpus.HeldOut, tokenizer, eos, recipe.SequenceLength);
        Say($"corpus: {corpus.Training.Count} training documents, {training.Count:N0} rows ({training.TokenCount:N0} tokens); " +
            $"{corpus.HeldOut.Count} held-out addresses, {heldOut.Count:N0} rows ({heldOut.TokenCount:N0} tokens)");

        using var model = PretrainingModelInitializer.Create(recipe);
        long parameters = PretrainingModelInitializer.ParameterCount(model);
        Say($"model: {parameters:N0} parameters, {recipe.TrainingDType}, {get_num_threads()} threads; " +
            $"{recipe.Steps} steps × {recipe.TokensPerStep:N0} tokens");
        var clock = Stopwatch.StartNew();
        var trainingLog = Train(model, training);
        double trainingSeconds = clock.Elapsed.TotalSeconds;

        var trained = HeldOutPerplexity.Compute(model, heldOut, recipe.HeldOutEvalRows);
        Say($"held-out perplexity as trained: {trained.Perplexity:F2} over {trained.PredictedTokens:N0} tokens");
        Save(model, tokenizerFolder, outputFolder, corpus.HeldOut[0].Text);
        using var saved = ModelLoader.Load(outputFolder);
        var reloaded = HeldOutPerplexity.Compute(saved, heldOut, recipe.HeldOutEvalRows);
        Say($"held-out perplexity of the saved {recipe.SavedDType} weights: {reloaded.Perplexity:F2}");

        var summary = new PretrainingSummary(parameters, corpus.Training.Count, training.TokenCount,
            corpus.HeldOut.Select(d => d.Name).ToList(), heldOut.TokenCount, trainingLog[^1].TokensSeen,
            trainingSeconds, total.Elapsed.TotalSeconds, get_num_threads(), trained, reloaded, trainingLog);
        WriteRecords(outputFolder, summary);
        Say($"wrote {outputFolder} in {total.Elapsed:hh\\:mm\\:ss}");
        return summary;
    }

    List<TrainingLogEntry> Train(CausalLanguageModel model, PackedRows rows)
    {
        using var trainer = LoraTrainer.FullParameters(model, recipe.ToTrainingOptions());
        var order = new TrainingRowOrder(rows.Count, recipe.Seed);
        var entries = new List<TrainingLogEntry>();
        var pending = new List<StepResult>();
        var clock = Stopwatch.StartNew();
        for (int step = 1; step <= recipe.Steps; step++)
        {
            using (var scope = NewDisposeScope())
            {
                var batches = Enumerable.Range(0, recipe.GradientAccumulation)
                    .Select(_ => TrainingBatch.LanguageModeling(Batch(rows, order.Take(recipe.BatchSize))))
                    .ToList();
                var result = trainer.Step(batches);
                result.MicroLosses.DetachFromDisposeScope();
                result.GradNorm.DetachFromDisposeScope();
                pending.Add(result);
            }
            if (step % recipe.LogEverySteps != 0 && step != recipe.Steps) continue;
            // The only host reads of the loop: the losses and the last norm, once per log interval.
            double meanLoss;
            using (var _ = NewDisposeScope()) meanLoss = cat(pending.Select(r => r.MicroLosses).ToList()).mean().item<float>();
            var entry = new TrainingLogEntry(step, step * recipe.TokensPerStep, meanLoss, pending[^1].GradNorm.item<float>(),
                pending[^1].LearningRate, clock.Elapsed.TotalSeconds);
            foreach (var result in pending) result.Dispose();
            pending.Clear();
            if (!double.IsFinite(meanLoss))
                throw new PretrainingException($"Training diverged at step {step} (loss {meanLoss}); lower peakLearningRate or raise warmupSteps in the recipe.");
            entries.Add(entry);
            Say(entry.Format(recipe.Steps));
        }
        return entries;
    }

    static Tensor Batch(PackedRows rows, int[] indices)
    {
        var ids = new long[indices.Length * rows.RowLength];
        for (int i = 0; i < indices.Length; i++) rows.Row(indices[i]).CopyTo(ids.AsSpan(i * rows.RowLength));
        return tensor(ids, [indices.Length, rows.RowLength]);   // (B, T)
    }

    void Save(CausalLanguageModel model, string tokenizerFolder, string outputFolder, string tokenizerSample)
    {
        var companions = Path.Combine(Path.GetTempPath(), $"lora-pretrain-companions-{Guid.NewGuid():N}");
        try
        {
            ModelFolderCompanions.Write(companions, tokenizerFolder, recipe.Architecture, tokenizerSample);
            HfModelWriter.Save(model, outputFolder, recipe.SavedScalarType, sourceFolder: companions);
        }
        finally
        {
            if (Directory.Exists(companions)) Directory.Delete(companions, recursive: true);
        }
    }

    void WriteRecords(string outputFolder, PretrainingSummary summary)
    {
        long weightsBytes = new FileInfo(Path.Combine(outputFolder, "model.safetensors")).Length;
        AtomicFolder.WriteText(Path.Combine(outputFolder, RecipeFile.FileName), RecipeFile.Serialize(recipe));
        AtomicFolder.WriteText(Path.Combine(outputFolder, PretrainingSummary.FileName), JsonSerializer.Serialize(summary, RecipeFile.Json) + "\n");
        AtomicFolder.WriteText(Path.Combine(outputFolder, ModelCard.FileName), ModelCard.Render(recipe, summary, weightsBytes));
    }

    void Say(string line)
    {
        log.WriteLine(line);
        log.Flush();
    }
}
