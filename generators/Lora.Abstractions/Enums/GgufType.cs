namespace Lora
{
    /// <summary>The element type of a GGUF export's weight matrices (norms and biases stay 32-bit, as llama.cpp's converter keeps them).</summary>
    public enum GgufType
    {
        /// <summary>32-bit float: the same numbers as the merged model in float32.</summary>
        F32,

        /// <summary>16-bit IEEE half precision.</summary>
        F16,

        /// <summary>bfloat16.</summary>
        BF16,

        /// <summary>llama.cpp's Q8_0: blocks of 32 signed bytes with one fp16 scale (8.5 bits a weight); matrices whose rows are not a
        /// multiple of 32 long are written in F16.</summary>
        Q8_0,
    }
}
