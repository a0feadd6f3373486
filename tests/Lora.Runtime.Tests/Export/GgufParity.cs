using Lora.Runtime.Export.Gguf;
using Lora.Runtime.Generation;
using Lora.Runtime.Models;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Export;

/// <summary>
/// What llama.cpp makes of an exported GGUF against what the runtime makes of the model: both generate greedily from the
/// same ids, and both score the same sequence (the prompt and llama.cpp's continuation) position by position.
/// </summary>
/// <param name="Ours">The runtime's greedy ids (stopping at an end id, as lora generate does).</param>
/// <param name="Theirs">llama.cpp's greedy ids, as many as asked.</param>
/// <param name="MaxLogitDifference">max |Δ| over every position's logits of the scored sequence.</param>
/// <param name="LogitScale">max |logit| of the runtime's logits, for a relative reading of the difference.</param>
/// <param name="ArgMaxAgreement">Share of the scored positions whose highest logit is the same token in both.</param>
public sealed record GgufParity(IReadOnlyList<int> Ours, IReadOnlyList<int> Theirs, double MaxLogitDifference, double LogitScale, double ArgMaxAgreement)
{
    public static readonly int[] Prompt = [5, 17, 42, 99, 7, 3, 64, 250];
    public const int NewTokens = 16;

    /// <summary>Exports <paramref name="model"/> (read from <paramref name="modelFolder"/>) as <paramref name="type"/> to
    /// <paramref name="ggufPath"/> and compares.</summary>
    public static GgufParity Measure(CausalLanguageModel model, string modelFolder, GgufType type, string ggufPath, int newTokens = NewTokens)
    {
        GgufExporter.Export(model, modelFolder, ggufPath, type);
        using var llama = new LlamaCppModel(ggufPath);
        return Compare(model, llama, Prompt, null, newTokens);
    }

    /// <summary>Compares <paramref name="model"/> with an already loaded GGUF (and an adapter applied there, if any).</summary>
    public static GgufParity Compare(CausalLanguageModel model, LlamaCppModel llama, int[] prompt, LLama.Native.LoraAdapter? adapter, int newTokens = NewTokens)
    {
        var ours = TextGenerator.Stream(model, prompt, new SamplingOptions { MaxNewTokens = newTokens }).ToList();
        var (theirs, _) = llama.Greedy(prompt, newTokens, adapter);
        int[] sequence = [.. prompt, .. theirs];
        var theirLogits = llama.Logits(sequence, adapter);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var ourLogits = model.Forward(tensor(sequence.Select(i => (long)i).ToArray()).unsqueeze(0))[0].to_type(ScalarType.Float32).cpu();   // (T, V)
        double maxDiff = 0, scale = ourLogits.abs().max().item<float>();
        int agree = 0;
        for (int t = 0; t < sequence.Length; t++)
        {
            var row = ourLogits[t].data<float>().ToArray();
            var other = theirLogits[t];
            Assert.Equal(row.Length, other.Length);
            for (int v = 0; v < row.Length; v++) maxDiff = Math.Max(maxDiff, Math.Abs(row[v] - other[v]));
            if (LlamaCppModel.ArgMax(row) == LlamaCppModel.ArgMax(other)) agree++;
        }
        return new GgufParity(ours, theirs, maxDiff, scale, (double)agree / sequence.Length);
    }

    /// <summary>Whether the runtime's ids are llama.cpp's (the runtime may stop earlier, at an end id).</summary>
    public bool SameIds => Ours.Count > 0 && Ours.SequenceEqual(Theirs.Take(Ours.Count));

    public override string ToString() =>
        $"ours [{string.Join(",", Ours)}] llama.cpp [{string.Join(",", Theirs)}] max|Δlogit| {MaxLogitDifference:G3} (scale {LogitScale:G3}) argmax agreement {ArgMaxAgreement:P1}";
}
