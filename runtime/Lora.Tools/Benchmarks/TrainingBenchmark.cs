using System.Diagnostics;
using System.Text.Json;
using Lora.Runtime.Adapters;
using Lora.Runtime.Native;
using Lora.Runtime.Quantization;
using Lora.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Lora.Tools.Benchmarks;

/// <summary>
/// LoRA training throughput with the runtime's own model, LoRA layer and trainer, printing the same JSON
/// fields as ../shared/bench/peer_lora_train.py so both can be compared as a ratio in one run.
/// </summary>
public static class TrainingBenchmark
{
    public static Dictionary<string, object> Run(TrainingBenchmarkOptions o)
    {
        bool cuda = o.Device.StartsWith("cuda");
        TorchNative.EnsureLoaded(cuda);
        if (o.Threads > 0) set_num_threads(o.Threads);
        var device = new Device(o.Device);
        var dtype = o.DType switch { "fp32" => ScalarType.Float32, "bf16" => ScalarType.BFloat16, _ => throw new ArgumentException($"--dtype '{o.DType}': expected fp32 or bf16.") };
        var config = BenchmarkModels.Config(o);
        // What the process holds before the model exists (runtime, libtorch): the estimator predicts what comes on top.
        double baselineMiB = ProcessMemory.ResidentMiB();
        // On a GPU, the same for device memory: the CUDA context exists once a tensor has been there.
        int gpuIndex = Math.Max(0, device.index);
        double? gpuBaselineMiB = null;
        if (cuda)
        {
            using (zeros(1, device: device)) torch.cuda.synchronize();
            gpuBaselineMiB = Nvml.UsedMiB(gpuIndex);
        }
        double gpuPeakMiB = 0;
        if (o.QuantEmbeddings && o.Quant == "none") throw new ArgumentException("--quant-embeddings needs --quant nf4.");
        var quantize = o.Quant switch
        {
            "none" => null,
            "nf4" => new QuantizationOptions(Lora.QuantType.NF4, DoubleQuant: true, Embeddings: o.QuantEmbeddings),
            _ => throw new ArgumentException($"--quant '{o.Quant}': expected none or nf4."),
        };
        bool eightBit = o.Optim switch
        {
            "adamw" => false,
            "adamw8bit" => true,
            _ => throw new ArgumentException($"--optim '{o.Optim}': expected adamw or adamw8bit."),
        };
        using var heap = NativeHeap.ForTraining(memoryLean: quantize is not null || o.GradientCheckpointing, fixedShapes: true);
        using var model = BenchmarkModels.Create(config, dtype, device, quantize);
        model.GradientCheckpointing = o.GradientCheckpointing;
        // The peer's GPT-2 calls the MLP output "mlp.c_proj"; PEFT-style matching finds it as c_proj.
        var targets = o.Targets.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(t => t.Replace("mlp.", "")).Distinct().ToList();
        LoraAdapters.Attach(model, "default", new LoraConfig { Rank = o.Rank, Alpha = o.Alpha, TargetModules = targets });
        model.to(device);
        // The PyTorch peer's optimizer (torch.optim.AdamW's betas and eps), a constant rate, no clipping: the same work each step.
        var options = new TrainingOptions
        {
            LearningRate = 1e-4, TotalSteps = o.Warmup + o.Steps, WarmupSteps = 0, Schedule = Lora.LrSchedule.Constant, GradientAccumulation = 1,
            MaxGradNorm = 0, WeightDecay = 0.01, Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8, EightBitOptimizer = eightBit,
        };
        using var trainer = new LoraTrainer(model, "default", options);
        manual_seed(0);
        var ids = randint(0, o.Vocab, [o.Batch, o.Seq], dtype: ScalarType.Int64, device: device);
        var batch = new[] { TrainingBatch.LanguageModeling(ids) };

        var times = new List<double>();
        // --phases: seconds per phase of each timed step, the device synced at each boundary.
        var phases = new Dictionary<string, List<double>>();
        var lap = new Stopwatch();
        bool timing = false;
        // --sections: each residual block's forward and backward apart (SectionTimer), the device synced at every boundary.
        var sections = o.Sections ? new SectionTimer(cuda) : null;
        model.BlockWrapper = sections;
        if (o.Phases || sections is not null)
            trainer.PhaseObserver = phase =>
            {
                sections?.Phase(phase);
                if (cuda) torch.cuda.synchronize();
                if (timing) (phases.TryGetValue(phase, out var list) ? list : phases[phase] = []).Add(lap.Elapsed.TotalSeconds);
                lap.Restart();
            };
        var residentByStep = new List<double>();   // after each step: memory must stay flat once warm
        var losses = new List<Tensor>();
        for (int i = 0; i < o.Warmup + o.Steps; i++)
        {
            timing = i >= o.Warmup;
            if (sections is not null)
            {
                sections.Recording = timing;
                sections.BeginStep();
            }
            lap.Restart();
            var clock = Stopwatch.StartNew();
            var result = trainer.Step(batch);
            if (cuda) torch.cuda.synchronize();
            else _ = result.MicroLosses.data<float>()[0]; // CPU ops are synchronous; this only keeps the step honest
            clock.Stop();
            sections?.EndStep();
            if (i >= o.Warmup) times.Add(clock.Elapsed.TotalSeconds);
            residentByStep.Add(ProcessMemory.ResidentMiB());
            if (cuda) gpuPeakMiB = Math.Max(gpuPeakMiB, Nvml.UsedMiB(gpuIndex) ?? 0);
            losses.Add(result.MicroLosses);
            result.GradNorm.Dispose();
        }
        double median = Median(times);
        var output = new Dictionary<string, object>
        {
            ["impl"] = $"lora-sdk-torchsharp", ["family"] = o.Family,
            ["tokens_per_s"] = o.Batch * o.Seq / median, ["step_s"] = median,
            ["peak_rss_mib"] = ProcessMemory.PeakResidentMiB(),
            // A 4-bit weight lives in its QuantizedWeight, not in a parameter: count it there.
            ["params"] = model.parameters().Sum(p => p.numel()) + model.QuantizedModules(quantize).Values.Sum(m => m.Quantized?.NumElements ?? 0),
            ["trainable"] = trainer.TrainableParameters.Sum(p => p.numel()),
            ["loss_first"] = losses[0].item<float>(), ["loss_last"] = losses[^1].item<float>(),
            ["threads"] = get_num_threads(),
            ["baseline_rss_mib"] = baselineMiB,
            // Growth of resident memory from step 10 to the last step (the "flat memory" check of long runs).
            ["rss_step10_mib"] = residentByStep[Math.Min(9, residentByStep.Count - 1)],
            ["rss_last_mib"] = residentByStep[^1],
            // The estimator's prediction of the peak: tensors, plus the process as it was before the model and what the first step adds.
            ["estimate_mib"] = MemoryPrediction.Estimate(config, o.Rank, targets, o.Batch, o.Seq, dtype, quantize, Lora.MemoryEstimator.OptimizerBytesPerParameter(eightBit), o.GradientCheckpointing,
                (long)(baselineMiB * 1048576), dropout: 0).TotalBytes / 1048576.0,
        };
        foreach (var (phase, seconds) in phases) output[$"phase_{phase}_s"] = Median(seconds);
        if (sections is not null) output["sections_ms"] = sections.Medians();
        // The peer prints torch.cuda.max_memory_allocated as peak_gpu_gib; ours is what the caching allocator reserved
        // above the CUDA context (Nvml), never less than the allocated peak. Absent without a driver to ask.
        if (gpuBaselineMiB is { } context)
        {
            output["peak_gpu_gib"] = (gpuPeakMiB - context) / 1024;
            output["gpu_context_mib"] = context;
        }
        return output;
    }

    public static string ToJson(Dictionary<string, object> result) => JsonSerializer.Serialize(result);

    /// <summary>The middle value (the mean of the two middle ones for an even count): what the benchmarks quote.</summary>
    internal static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
