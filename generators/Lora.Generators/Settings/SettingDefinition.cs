using Lora.Generators.Parsing;

namespace Lora.Generators.Settings
{
    /// <summary>One setting of a Lora attribute: its name, type, default, valid range and whether it can be swept.</summary>
    /// <param name="Attribute">The attribute that declares it.</param>
    /// <param name="Name">The property name, equal to the parameter name in the resolved settings record.</param>
    /// <param name="Type">Its C# type.</param>
    /// <param name="Default">The attribute's default, which the generated configuration writes out.</param>
    /// <param name="Range">The valid range of a numeric setting, or null.</param>
    /// <param name="Sweepable">Whether [Sweep] may vary it.</param>
    /// <param name="EnumType">The enum's full name for enum settings, e.g. <c>Lora.LrSchedule</c>.</param>
    /// <param name="Hint">What to do when the value is out of range.</param>
    internal sealed record SettingDefinition(
        AttributeKind Attribute,
        string Name,
        SettingType Type,
        SettingValue Default,
        RangeRule? Range,
        bool Sweepable,
        string? EnumType,
        string Hint)
    {
        /// <summary>The setting as users see it in messages: <c>[LoraAdapter] Rank</c>.</summary>
        /// <param name="rowType">The row type's name for typed datasets.</param>
        /// <returns>The display text.</returns>
        public string Display(string? rowType = null) => "[" + AttributeNames.Display(Attribute, rowType) + "] " + Name;

        /// <summary>The type in words, for messages: "an int", "a double", "LrSchedule".</summary>
        public string TypeDescription => Type switch
        {
            SettingType.Int => "an int",
            SettingType.Double => "a double",
            SettingType.Bool => "a bool",
            SettingType.String => "a string",
            SettingType.Enum => "a " + EnumType!.Substring(EnumType.LastIndexOf('.') + 1) + " value",
            _ => "an array",
        };
    }
}
