namespace Lora
{
    /// <summary>The kinds of JSON value the config.json reader tells apart (JSON null reads as absent).</summary>
    public enum ConfigValueKind
    {
        /// <summary>An object.</summary>
        Object,

        /// <summary>An array.</summary>
        Array,

        /// <summary>A string.</summary>
        String,

        /// <summary>A number.</summary>
        Number,

        /// <summary>true or false.</summary>
        Boolean,
    }
}
