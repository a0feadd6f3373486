using System.CommandLine;
using Lora.Tools.Benchmarks;

namespace Lora.Cli.Commands;

/// <summary>
/// <c>lora bench train …</c> takes exactly the arguments of ../shared/bench/peer_lora_train.py (plus <c>--quant nf4</c>)
/// and prints one JSON line with the same fields; <c>lora bench matmul --size N --dtype fp32|bf16</c> prints the
/// machine's matmul rate, the ceiling training throughput is measured against.
/// </summary>
public static class BenchCommand
{
    public static Command Create() => new("bench", "Measure training throughput and the matmul ceiling.") { Train(), Matmul() };

    static Command Train()
    {
        var d = new TrainingBenchmarkOptions();
        Option<T> Opt<T>(string name, T fallback, string description) => new(name) { DefaultValueFactory = _ => fallback, Description = description };
        var family = Opt("--family", d.Family, "llama or gpt2");
        var layers = Opt("--layers", d.Layers, "decoder layers");
        var hidden = Opt("--hidden", d.Hidden, "hidden size");
        var heads = Opt("--heads", d.Heads, "attention heads");
        var kvHeads = Opt("--kv-heads", d.KvHeads, "key/value heads (0 = heads)");
        var ffn = Opt("--ffn", d.Ffn, "MLP inner size");
        var vocab = Opt("--vocab", d.Vocab, "vocabulary size");
        var seq = Opt("--seq", d.Seq, "sequence length");
        var batch = Opt("--batch", d.Batch, "batch size");
        var steps = Opt("--steps", d.Steps, "timed steps");
        var warmup = Opt("--warmup", d.Warmup, "untimed warm-up steps");
        var rank = Opt("--rank", d.Rank, "LoRA rank");
        var alpha = Opt("--alpha", d.Alpha, "LoRA alpha");
        var targets = Opt("--targets", d.Targets, "comma-separated target modules");
        var dtype = Opt("--dtype", d.DType, "fp32 or bf16");
        var device = Opt("--device", d.Device, "cpu or cuda");
        var threads = Opt("--threads", d.Threads, "intra-op threads (0 = default)");
        var quant = Opt("--quant", d.Quant, "none or nf4 (QLoRA: a 4-bit base)");
        var quantEmbeddings = Opt("--quant-embeddings", false, "with --quant: the embedding and the LM head in 4 bits too (bitsandbytes' Embedding4bit; not transformers' default)");
        var checkpointing = Opt("--gradient-checkpointing", false, "recompute each decoder layer in backward (not in the peer)");
        var optim = Opt("--optim", d.Optim, "adamw or adamw8bit (bitsandbytes-style 8-bit moments; not in the peer)");
        var phases = Opt("--phases", false, "also print the median seconds of forward, backward and the optimizer (the device synced between them)");
        var sections = Opt("--sections", false, "also print the median milliseconds per step of each kind of residual block's forward and backward (of each decoder layer with --gradient-checkpointing), and of the head, loss and embedding (the device synced at each)");
        var command = new Command("train", "LoRA training throughput on a random model; same arguments and JSON as the PyTorch peer.")
        {
            family, layers, hidden, heads, kvHeads, ffn, vocab, seq, batch, steps, warmup, rank, alpha, targets, dtype, device, threads, quant, quantEmbeddings, checkpointing, optim, phases, sections,
        };
        command.SetAction(p =>
        {
            var options = new TrainingBenchmarkOptions
            {
                Family = p.GetValue(family)!, Layers = p.GetValue(layers), Hidden = p.GetValue(hidden), Heads = p.GetValue(heads),
                KvHeads = p.GetValue(kvHeads), Ffn = p.GetValue(ffn), Vocab = p.GetValue(vocab), Seq = p.GetValue(seq), Batch = p.GetValue(batch),
                Steps = p.GetValue(steps), Warmup = p.GetValue(warmup), Rank = p.GetValue(rank), Alpha = p.GetValue(alpha),
                Targets = p.GetValue(targets)!, DType = p.GetValue(dtype)!, Device = p.GetValue(device)!, Threads = p.GetValue(threads),
                Quant = p.GetValue(quant)!, QuantEmbeddings = p.GetValue(quantEmbeddings), GradientCheckpointing = p.GetValue(checkpointing), Optim = p.GetValue(optim)!, Phases = p.GetValue(phases), Sections = p.GetValue(sections),
            };
            p.InvocationConfiguration.Output.WriteLine(TrainingBenchmark.ToJson(TrainingBenchmark.Run(options)));
            return CliApp.Success;
        });
        return command;
    }

    static Command Matmul()
    {
        var size = new Option<int>("--size") { DefaultValueFactory = _ => 1024, Description = "N of the N×N×N product" };
        var dtype = new Option<string>("--dtype") { DefaultValueFactory = _ => "fp32", Description = "fp32 or bf16" };
        var device = new Option<string>("--device") { DefaultValueFactory = _ => "cpu", Description = "cpu or cuda" };
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => 0, Description = "intra-op threads (0 = default)" };
        var command = new Command("matmul", "Median GFLOP/s of repeated N×N matrix products after warm-up.") { size, dtype, device, threads };
        command.SetAction(p =>
        {
            p.InvocationConfiguration.Output.WriteLine(TrainingBenchmark.ToJson(
                MatmulBenchmark.Run(p.GetValue(size), p.GetValue(dtype)!, p.GetValue(device)!, p.GetValue(threads))));
            return CliApp.Success;
        });
        return command;
    }
}
