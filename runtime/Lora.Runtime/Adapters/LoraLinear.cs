using Lora.Runtime.Quantization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lora.Runtime.Adapters;

/// <summary>
/// A projection of a pretrained model that can carry LoRA adapters: y = x·Wᵀ + b + scale·B(A(dropout(x))).
/// Every projection of a model is one, so that adapters can be attached to any of them by name.
/// </summary>
/// <remarks>
/// Parameter names equal checkpoint keys: <c>weight</c> and <c>bias</c> are the base model's;
/// adapters live under <c>lora_A.&lt;adapter&gt;.weight</c> [r, in] and <c>lora_B.&lt;adapter&gt;.weight</c> [out, r],
/// which is PEFT's in-memory naming without its <c>base_layer</c> wrapper. GPT-2's Conv1D layers store
/// the weight transposed ([in, out], <see cref="FanInFanOut"/>); the adapter factors keep the Linear layout.
/// </remarks>
public sealed class LoraLinear : QuantizableModule
{
    public Parameter? bias;
    readonly AdapterFactors<Linear> lora_A = new("lora_A");
    readonly AdapterFactors<Linear> lora_B = new("lora_B");
    // DoRA adapters only: m (out) per adapter, PEFT's lora_magnitude_vector.<adapter>.weight.
    readonly AdapterFactors<DoraMagnitude> lora_magnitude_vector = new("lora_magnitude_vector");
    readonly Dictionary<string, AdapterSlot> _slots = new();

    public long InFeatures { get; }
    public long OutFeatures { get; }
    /// <summary>True for GPT-2's Conv1D: the weight is stored [in, out].</summary>
    public bool FanInFanOut { get; }
    /// <summary>The adapter used in forward, or null for the bare base projection.</summary>
    public string? ActiveAdapter { get; private set; }
    /// <summary>When false, forward ignores every adapter (PEFT's <c>disable_adapter</c>).</summary>
    public bool AdaptersEnabled { get; set; } = true;
    // The 4-bit base weight (QLoRA, Quantized) is stored [out, in] whatever FanInFanOut says.
    public LoraLinear(string name, long inFeatures, long outFeatures, bool hasBias, bool fanInFanOut, ScalarType dtype)
        : base(name, fanInFanOut ? [inFeatures, outFeatures] : [outFeatures, inFeatures], dtype)
    {
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        FanInFanOut = fanInFanOut;
        if (hasBias)
        {
            bias = new Parameter(zeros(outFeatures, dtype), requires_grad: false);
            register_parameter("bias", bias);
        }
        register_module("lora_A", lora_A);
        register_module("lora_B", lora_B);
        register_module("lora_magnitude_vector", lora_magnitude_vector);
    }

    public IReadOnlyCollection<string> AdapterNames => _slots.Keys;
    public bool HasAdapter(string name) => _slots.ContainsKey(name);
    public AdapterSlot Slot(string name) => _slots[name];
    public Parameter LoraA(string name) => (Parameter)lora_A[name].weight!;
    public Parameter LoraB(string name) => (Parameter)lora_B[name].weight!;
    /// <summary>DoRA's magnitude m (out) of adapter <paramref name="name"/>; only for an adapter added with useDora.</summary>
    public Parameter Magnitude(string name) => lora_magnitude_vector[name].weight;

    /// <summary>Adds adapter <paramref name="name"/>: A Kaiming-uniform (a = √5) and B zeros, as PEFT's default.</summary>
    /// <remarks>With <paramref name="useDora"/> (DoRA, PEFT's <c>use_dora</c>), also the magnitude m = ‖W + scale·B·A‖ per output
    /// row, from the current base weight (dequantized when 4-bit): at B = 0 the layer's output is unchanged.</remarks>
    public void AddAdapter(string name, int rank, double alpha, double dropout, bool useRsLora, ScalarType dtype, bool useDora = false)
    {
        if (_slots.ContainsKey(name))
            throw new InvalidOperationException($"Adapter '{name}' already exists on this layer.");
        if (rank < 1) throw new ArgumentOutOfRangeException(nameof(rank), rank, "LoRA rank must be at least 1.");
        var a = nn.Linear(InFeatures, rank, hasBias: false, dtype: dtype);
        var b = nn.Linear(rank, OutFeatures, hasBias: false, dtype: dtype);
        using (no_grad())
        {
            nn.init.kaiming_uniform_(a.weight!, a: Math.Sqrt(5));
            nn.init.zeros_(b.weight!);
        }
        // Drawn on the CPU (the same seed gives the same A on every device), then moved to where this layer lives:
        // TorchSharp's Module.to skips a module it believes is already on the target device, so factors added after
        // the model moved would otherwise stay behind on the CPU.
        var device = weight.device;
        if (device.type != DeviceType.CPU) (a, b) = (a.to(device), b.to(device));
        lora_A.Add(name, a);
        lora_B.Add(name, b);
        // PEFT: scale = alpha / r, or alpha / sqrt(r) for rsLoRA (stable at high rank).
        double scale = useRsLora ? alpha / Math.Sqrt(rank) : alpha / rank;
        _slots[name] = new AdapterSlot(rank, alpha, dropout, useRsLora, scale, UseDora: useDora);
        if (useDora)
            using (no_grad())
            using (var scope = NewDisposeScope())
                lora_magnitude_vector.Add(name, new DoraMagnitude(AdaptedRowNorms(name).to_type(dtype).DetachFromDisposeScope()));
        ActiveAdapter ??= name;
    }

    public void SetActiveAdapter(string? name)
    {
        if (name is not null && !_slots.ContainsKey(name))
            throw new ArgumentException($"Adapter '{name}' does not exist on this layer; it has: {string.Join(", ", _slots.Keys)}.", nameof(name));
        ActiveAdapter = name;
    }

    /// <summary>Marks an adapter as merged into <see cref="QuantizableModule.weight"/> so forward stops adding its branch.</summary>
    internal void SetMerged(string name, bool merged) => _slots[name] = _slots[name] with { Merged = merged };

    /// <summary>A 4-bit weight is given [out, in]: QLoRA is this layer with a 4-bit base, everything else unchanged.</summary>
    protected override void CheckFits(QuantizedWeight quantized)
    {
        if (quantized.Shape.Length != 2 || quantized.Shape[0] != OutFeatures || quantized.Shape[1] != InFeatures)
            throw new ArgumentException($"A 4-bit weight of shape [{string.Join(", ", quantized.Shape)}] does not fit this layer's [{OutFeatures}, {InFeatures}].");
    }

    /// <summary>Quantizes the current full-precision weight in place of itself.</summary>
    public override void Quantize(QuantType type, bool doubleQuant)
    {
        using var scope = NewDisposeScope();
        var w = FanInFanOut ? weight.t().contiguous() : weight;        // [out, in]
        // In the weight's own dtype (the quant state's dtype, as bitsandbytes records it): quantization converts a chunk
        // at a time, where a float32 copy first was 4 bytes per weight beside the weight (an LM head's 62.5 MiB).
        SetQuantized(QuantizedWeight.Quantize(w, type, doubleQuant));
    }

    /// <summary>The base weight in full precision, [out, in] for Linear or [in, out] for Conv1D (dequantized when 4-bit).</summary>
    public override Tensor FullWeight(ScalarType dtype)
    {
        if (Quantized is null) return weight.to_type(dtype);
        var w = Quantized.Dequantize(dtype);
        return FanInFanOut ? w.t().contiguous() : w;
    }

    /// <summary>
    /// ‖W + scale·B·A‖ over each output row (out), float32, without gradients: DoRA's weight norm, which PEFT detaches
    /// (the DoRA paper's §4.3) so that no gradient flows through it.
    /// </summary>
    internal Tensor AdaptedRowNorms(string name)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var slot = _slots[name];
        var w = FullWeight(ScalarType.Float32);                                                           // [out, in] or [in, out]
        if (FanInFanOut) w = w.t();
        var adapted = w.add(LoraB(name).to_type(ScalarType.Float32).matmul(LoraA(name).to_type(ScalarType.Float32)), alpha: slot.Scale);
        return adapted.norm(1, keepdim: false).MoveToOuterDisposeScope();                                // (out)
    }

    readonly Dictionary<string, Tensor> _doraMergeFactors = new();

    /// <summary>
    /// DoRA's merge factor m / ‖W + ΔW‖, shaped to multiply the weight in its layout ([out, 1], or [1, out] for Conv1D).
    /// Merge computes it and remembers it; Unmerge takes the remembered one (the merged weight no longer gives it back).
    /// </summary>
    internal Tensor DoraMergeFactor(string name, bool remember)
    {
        if (!remember)
            return _doraMergeFactors.Remove(name, out var kept) ? kept : throw new InvalidOperationException($"Adapter '{name}' was not merged here.");
        using var _ = no_grad();
        var factor = Magnitude(name).to_type(ScalarType.Float32) / AdaptedRowNorms(name);
        factor = (FanInFanOut ? factor.unsqueeze(0) : factor.unsqueeze(1)).DetachFromDisposeScope();
        _doraMergeFactors[name] = factor;
        return factor;
    }

    /// <summary>The base projection alone. x: (…, in) → (…, out).</summary>
    public Tensor BaseForward(Tensor x)
    {
        if (Quantized is not null) return QuantizedMatmul.Forward(x, Quantized, bias);
        return FanInFanOut
            ? (bias is null ? x.matmul(weight) : x.matmul(weight).add_(bias))
            : nn.functional.linear(x, weight, bias);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        if (!AdaptersEnabled || ActiveAdapter is not { } name || _slots[name].Merged) return BaseForward(x).MoveToOuterDisposeScope();
        var slot = _slots[name];
        var rows = x.reshape(-1, x.shape[^1]);                                                   // (N, in)
        var y = BaseForward(rows);                                                              // (N, out)
        var h = slot.Dropout > 0 && training ? nn.functional.dropout(rows, slot.Dropout, training: true) : rows;
        // With a bf16 base the float32 factors are cast to the compute dtype for the two matmuls, as torch.autocast
        // does, instead of upcasting the input: autograd then keeps the bf16 input it already holds, not a float32 copy.
        Tensor a = LoraA(name), b = LoraB(name);
        if (a.dtype != y.dtype) (a, b) = (a.to_type(y.dtype), b.to_type(y.dtype));
        if (slot.UseDora) return DoraForward(name, slot, rows, y, h, a, b).view([.. x.shape[..^1], OutFeatures]).MoveToOuterDisposeScope();
        // y += scale · (h·Aᵀ)·Bᵀ in one GEMM that accumulates into the base output: the (N, out) product is never formed
        // and scaled on its own, and autograd applies the scale to the (N, r) and (out, r) gradients only. One
        // (N, out) pass less each way per adapted projection: fp32 LoRA steps 1.4% faster on the benchmark's shape.
        y.addmm_(nn.functional.linear(h, a), b.t(), beta: 1, alpha: (float)slot.Scale);       // (N, r)·(r, out)
        return y.view([.. x.shape[..^1], OutFeatures]).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// DoRA as PEFT 0.21 computes it: with s = m / ‖W + scale·B·A‖ (out, the norm detached), the layer adds
    /// (s − 1)·(x_d·Wᵀ) + s·scale·(x_d·Aᵀ)·Bᵀ to its base output y = x·Wᵀ + b, where x_d is the adapter's (dropped-out) input;
    /// without dropout x_d·Wᵀ is y − b, so the base product is not computed twice. rows, h: (N, in); y: (N, out).
    /// </summary>
    Tensor DoraForward(string name, AdapterSlot slot, Tensor rows, Tensor y, Tensor h, Tensor a, Tensor b)
    {
        var norms = AdaptedRowNorms(name);                                                      // (out), no gradient
        var magnitude = Magnitude(name);
        var s = (magnitude.to_type(ScalarType.Float32) / norms).to_type(y.dtype);               // (out)
        Tensor baseOfAdapterInput = ReferenceEquals(h, rows)
            ? (bias is null ? y : y - bias)
            : (Quantized is not null ? QuantizedMatmul.Forward(h, Quantized, null) : FanInFanOut ? h.matmul(weight) : nn.functional.linear(h, weight));
        var lora = nn.functional.linear(nn.functional.linear(h, a), b);                          // (N, out)
        return y + (s - 1) * baseOfAdapterInput + s * lora * slot.Scale;
    }
}

/// <summary>One adapter's hyper-parameters on one layer; <see cref="Scale"/> is α/r (α/√r with rsLoRA).</summary>
/// <remarks><see cref="UseDora"/>: DoRA (weight-decomposed LoRA), with a magnitude per output row.</remarks>
public sealed record AdapterSlot(int Rank, double Alpha, double Dropout, bool UseRsLora, double Scale, bool Merged = false, bool UseDora = false);
