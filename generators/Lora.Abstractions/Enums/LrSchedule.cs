namespace Lora
{
    /// <summary>How the learning rate moves after warm-up (the Hugging Face <c>get_*_schedule_with_warmup</c> shapes).</summary>
    public enum LrSchedule
    {
        /// <summary>Stays at the peak learning rate.</summary>
        Constant,

        /// <summary>Decays linearly to zero at the last step.</summary>
        Linear,

        /// <summary>Follows half a cosine down to zero at the last step.</summary>
        Cosine,
    }
}
