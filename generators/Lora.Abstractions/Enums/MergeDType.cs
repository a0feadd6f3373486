namespace Lora
{
    /// <summary>The element type of the merged model's weights.</summary>
    public enum MergeDType
    {
        /// <summary>32-bit float.</summary>
        Float32,

        /// <summary>16-bit IEEE half precision (what llama.cpp converters and most runtimes expect).</summary>
        Float16,

        /// <summary>bfloat16.</summary>
        BFloat16,
    }
}
