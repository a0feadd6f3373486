namespace Lora
{
    /// <summary>Which bias vectors train beside the adapter (PEFT's <c>bias</c> option).</summary>
    public enum LoraBias
    {
        /// <summary>No bias trains (PEFT's default, <c>"none"</c>).</summary>
        None,

        /// <summary>Every bias in the model trains (<c>"all"</c>).</summary>
        All,

        /// <summary>Only the biases of adapted modules train (<c>"lora_only"</c>).</summary>
        LoraOnly,
    }
}
