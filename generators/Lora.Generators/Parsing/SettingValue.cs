using System.Globalization;
using System.Text;
using Lora.Generators.Common;

namespace Lora.Generators.Parsing
{
    /// <summary>The kinds of constant an attribute argument can hold.</summary>
    internal enum SettingKind
    {
        /// <summary>null.</summary>
        Null,

        /// <summary>An integral number in <see cref="SettingValue.Integer"/>.</summary>
        Int,

        /// <summary>A floating-point number in <see cref="SettingValue.Number"/>.</summary>
        Double,

        /// <summary>A boolean in <see cref="SettingValue.Integer"/> (1 for true).</summary>
        Bool,

        /// <summary>A string in <see cref="SettingValue.Text"/>.</summary>
        String,

        /// <summary>An enum member: name in <see cref="SettingValue.Text"/> (null when the value has no name), value in <see cref="SettingValue.Integer"/>, enum in <see cref="SettingValue.TypeName"/>.</summary>
        Enum,

        /// <summary>A <c>typeof</c>: the type in <see cref="SettingValue.TypeName"/>.</summary>
        Type,

        /// <summary>An array in <see cref="SettingValue.Elements"/>.</summary>
        Array,
    }

    /// <summary>An attribute argument's constant value, as plain equatable data.</summary>
    /// <param name="Kind">What kind of constant it is.</param>
    /// <param name="Integer">Integral, boolean and enum values.</param>
    /// <param name="Number">Floating-point values.</param>
    /// <param name="Text">String values and enum member names.</param>
    /// <param name="TypeName">The enum's or type's full name, e.g. <c>Lora.Metric</c>.</param>
    /// <param name="Elements">Array elements.</param>
    internal sealed record SettingValue(
        SettingKind Kind,
        long Integer,
        double Number,
        string? Text,
        string? TypeName,
        EquatableArray<SettingValue> Elements)
    {
        /// <summary>The null constant.</summary>
        public static readonly SettingValue Null = new(SettingKind.Null, 0, 0, null, null, EquatableArray<SettingValue>.Empty);

        /// <summary>Whether the value is a number (integral or floating-point).</summary>
        public bool IsNumeric => Kind is SettingKind.Int or SettingKind.Double;

        /// <summary>The value as a double (integral values widen).</summary>
        public double AsDouble => Kind == SettingKind.Int ? Integer : Number;

        /// <summary>The value as an int (saturating).</summary>
        public int AsInt => Integer > int.MaxValue ? int.MaxValue : Integer < int.MinValue ? int.MinValue : (int)Integer;

        /// <summary>The value as a bool.</summary>
        public bool AsBool => Integer != 0;

        /// <summary>Creates an integral value.</summary>
        /// <param name="value">The value.</param>
        /// <returns>The setting value.</returns>
        public static SettingValue Int(long value) => Null with { Kind = SettingKind.Int, Integer = value };

        /// <summary>Creates a floating-point value.</summary>
        /// <param name="value">The value.</param>
        /// <returns>The setting value.</returns>
        public static SettingValue Double(double value) => Null with { Kind = SettingKind.Double, Number = value };

        /// <summary>Creates a boolean value.</summary>
        /// <param name="value">The value.</param>
        /// <returns>The setting value.</returns>
        public static SettingValue Bool(bool value) => Null with { Kind = SettingKind.Bool, Integer = value ? 1 : 0 };

        /// <summary>Creates a string value (null stays null).</summary>
        /// <param name="value">The value.</param>
        /// <returns>The setting value.</returns>
        public static SettingValue String(string? value) => value is null ? Null : Null with { Kind = SettingKind.String, Text = value };

        /// <summary>Creates an enum member.</summary>
        /// <param name="enumType">The enum's full name, e.g. <c>Lora.Metric</c>.</param>
        /// <param name="member">The member's name, or null when the value has none.</param>
        /// <param name="value">The underlying value.</param>
        /// <returns>The setting value.</returns>
        public static SettingValue Enum(string enumType, string? member, long value) =>
            Null with { Kind = SettingKind.Enum, TypeName = enumType, Text = member, Integer = value };

        /// <summary>Creates a <c>typeof</c> value.</summary>
        /// <param name="typeName">The type's name.</param>
        /// <returns>The setting value.</returns>
        public static SettingValue TypeOf(string typeName) => Null with { Kind = SettingKind.Type, TypeName = typeName };

        /// <summary>Creates an array.</summary>
        /// <param name="elements">The elements.</param>
        /// <returns>The setting value.</returns>
        public static SettingValue Array(EquatableArray<SettingValue> elements) => Null with { Kind = SettingKind.Array, Elements = elements };

        /// <summary>An array of strings.</summary>
        /// <param name="items">The strings.</param>
        /// <returns>The setting value.</returns>
        public static SettingValue Strings(System.Collections.Generic.IEnumerable<string> items) =>
            Array(System.Linq.Enumerable.Select(items, String).ToEquatableArray());

        /// <summary>Writes the value the way C# source writes it, for messages: <c>0.05</c>, <c>"q_proj"</c>, <c>LrSchedule.Cosine</c>.</summary>
        /// <returns>The display text.</returns>
        public string Display()
        {
            switch (Kind)
            {
                case SettingKind.Int:
                    return Integer.ToString(CultureInfo.InvariantCulture);
                case SettingKind.Double:
                    return Number.ToString("R", CultureInfo.InvariantCulture);
                case SettingKind.Bool:
                    return AsBool ? "true" : "false";
                case SettingKind.String:
                    return "\"" + Text + "\"";
                case SettingKind.Enum:
                    return ShortTypeName + "." + (Text ?? Integer.ToString(CultureInfo.InvariantCulture));
                case SettingKind.Type:
                    return "typeof(" + TypeName + ")";
                case SettingKind.Array:
                    var builder = new StringBuilder("{ ");
                    for (var i = 0; i < Elements.Count; i++)
                    {
                        builder.Append(i == 0 ? "" : ", ").Append(Elements[i].Display());
                    }

                    return builder.Append(Elements.Count == 0 ? "}" : " }").ToString();
                default:
                    return "null";
            }
        }

        /// <summary>The last dotted part of <see cref="TypeName"/>.</summary>
        public string ShortTypeName => TypeName is null ? "" : TypeName.Substring(TypeName.LastIndexOf('.') + 1);
    }
}
