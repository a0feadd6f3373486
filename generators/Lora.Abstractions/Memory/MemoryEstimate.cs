namespace Lora
{
    /// <summary>An estimate of peak training memory on the accelerator, by component.</summary>
    /// <param name="BaseParameters">Weights of the base model.</param>
    /// <param name="TrainableParameters">Weights of the adapter.</param>
    /// <param name="WeightBytes">The base model's weights as stored (quantized or not).</param>
    /// <param name="AdapterBytes">Adapter weights and their gradients, float32.</param>
    /// <param name="OptimizerBytes">Optimizer state.</param>
    /// <param name="ActivationBytes">Activations kept for the backward pass, one layer's gradients in flight, and the loss's float32 logits.</param>
    /// <param name="RuntimeBytes">What the process holds besides tensors (0 unless the request gave it).</param>
    public sealed record MemoryEstimate(
        long BaseParameters,
        long TrainableParameters,
        long WeightBytes,
        long AdapterBytes,
        long OptimizerBytes,
        long ActivationBytes,
        long RuntimeBytes = 0)
    {
        /// <summary>The sum of all components.</summary>
        public long TotalBytes => WeightBytes + AdapterBytes + OptimizerBytes + ActivationBytes + RuntimeBytes;

        /// <summary>A one-line breakdown, e.g. <c>1.20 GiB (weights 0.90 GiB, adapter 12.0 MiB, optimizer 12.0 MiB, activations 0.28 GiB)</c>.</summary>
        /// <returns>The breakdown.</returns>
        public string Describe() =>
            MemorySize.Format(TotalBytes)
            + " (weights " + MemorySize.Format(WeightBytes)
            + ", adapter " + MemorySize.Format(AdapterBytes)
            + ", optimizer " + MemorySize.Format(OptimizerBytes)
            + ", activations " + MemorySize.Format(ActivationBytes)
            + (RuntimeBytes > 0 ? ", runtime " + MemorySize.Format(RuntimeBytes) : string.Empty) + ")";
    }
}
