namespace Lora.Generators.Settings
{
    /// <summary>The C# type of an attribute setting.</summary>
    internal enum SettingType
    {
        /// <summary>int.</summary>
        Int,

        /// <summary>double.</summary>
        Double,

        /// <summary>bool.</summary>
        Bool,

        /// <summary>string (possibly null).</summary>
        String,

        /// <summary>A Lora enum, named by <see cref="SettingDefinition.EnumType"/>.</summary>
        Enum,

        /// <summary>string[].</summary>
        StringArray,

        /// <summary>An array of a Lora enum.</summary>
        EnumArray,
    }
}
