namespace Lora
{
    /// <summary>The floating-point type that matrix products run in.</summary>
    public enum ComputeType
    {
        /// <summary>32-bit IEEE float.</summary>
        Float32,

        /// <summary>16-bit IEEE half precision.</summary>
        Float16,

        /// <summary>bfloat16: float32's exponent range with an 8-bit mantissa.</summary>
        BFloat16,

        /// <summary>
        /// Chosen by the device the run computes on: bfloat16 on a CUDA GPU that computes in it (compute capability 8.0 and
        /// up: Ampere, Hopper and later), float32 on the CPU and on older GPUs. The default. The compile-time memory
        /// estimate counts float32, the larger.
        /// </summary>
        Auto,
    }
}
