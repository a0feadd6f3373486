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
    }
}
