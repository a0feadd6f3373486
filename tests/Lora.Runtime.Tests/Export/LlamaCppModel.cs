using LLama;
using LLama.Common;
using LLama.Native;

namespace Lora.Runtime.Tests.Export;

/// <summary>
/// A GGUF file run by llama.cpp through LLamaSharp, fed token ids (no tokenizer in the way): greedy continuation and the
/// logits at every position. The KV cache is float32 and flash attention off, so that llama.cpp's numbers differ from the
/// runtime's only by the file's weights and its kernels.
/// </summary>
public sealed class LlamaCppModel : IDisposable
{
    readonly ModelParams _parameters;

    /// <summary>llama.cpp's loader logs every tensor; only its warnings and errors reach the test output (stderr).</summary>
    static LlamaCppModel() => NativeLogConfig.llama_log_set((level, message) =>
    {
        if (level is LLamaLogLevel.Warning or LLamaLogLevel.Error) Console.Error.Write(message);
    });

    public LlamaCppModel(string path)
    {
        _parameters = new ModelParams(path)
        {
            ContextSize = 128, BatchSize = 128, UBatchSize = 128, GpuLayerCount = 0, Threads = 2, BatchThreads = 2,
            TypeK = GGMLType.GGML_TYPE_F32, TypeV = GGMLType.GGML_TYPE_F32, FlashAttention = false,
        };
        Weights = LLamaWeights.LoadFromFile(_parameters);
    }

    public LLamaWeights Weights { get; }

    /// <summary>Greedy: the prompt in one batch, then <paramref name="count"/> ids each fed back; with the logits (V floats) that
    /// chose each new id.</summary>
    public (List<int> Ids, List<float[]> Logits) Greedy(IReadOnlyList<int> prompt, int count, LoraAdapter? adapter = null)
    {
        using var context = Weights.CreateContext(_parameters);
        if (adapter is not null) context.NativeHandle.SetLoraAdapters([(adapter, 1f)]);
        var batch = new LLamaBatch();
        for (int i = 0; i < prompt.Count; i++) batch.Add(prompt[i], i, LLamaSeqId.Zero, i == prompt.Count - 1);
        Decode(context, batch);
        var ids = new List<int>();
        var logits = new List<float[]>();
        for (int step = 0; step < count; step++)
        {
            var row = context.NativeHandle.GetLogitsIth(batch.TokenCount - 1).ToArray();
            logits.Add(row);
            int next = ArgMax(row);
            ids.Add(next);
            batch.Clear();
            batch.Add(next, prompt.Count + step, LLamaSeqId.Zero, true);
            Decode(context, batch);
        }
        return (ids, logits);
    }

    /// <summary>The logits (V floats) after each position of <paramref name="sequence"/>, all in one batch.</summary>
    public List<float[]> Logits(IReadOnlyList<int> sequence, LoraAdapter? adapter = null)
    {
        using var context = Weights.CreateContext(_parameters);
        if (adapter is not null) context.NativeHandle.SetLoraAdapters([(adapter, 1f)]);
        var batch = new LLamaBatch();
        for (int i = 0; i < sequence.Count; i++) batch.Add(sequence[i], i, LLamaSeqId.Zero, true);
        Decode(context, batch);
        return Enumerable.Range(0, sequence.Count).Select(i => context.NativeHandle.GetLogitsIth(i).ToArray()).ToList();
    }

    static void Decode(LLamaContext context, LLamaBatch batch)
    {
        var result = context.NativeHandle.Decode(batch);
        if (result != DecodeResult.Ok) throw new InvalidOperationException($"llama.cpp decode failed: {result}");
    }

    public static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int i = 1; i < row.Length; i++) if (row[i] > row[best]) best = i;
        return best;
    }

    public void Dispose() => Weights.Dispose();
}
