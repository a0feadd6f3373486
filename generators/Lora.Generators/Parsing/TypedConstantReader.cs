using System.Linq;
using Lora.Generators.Common;
using Microsoft.CodeAnalysis;

namespace Lora.Generators.Parsing
{
    /// <summary>Turns Roslyn's <see cref="TypedConstant"/> into plain <see cref="SettingValue"/> data.</summary>
    internal static class TypedConstantReader
    {
        /// <summary>Reads a constant.</summary>
        /// <param name="constant">The constant from an attribute application.</param>
        /// <returns>The value, or null when the constant has errors (the compiler reports those).</returns>
        public static SettingValue? Read(TypedConstant constant)
        {
            switch (constant.Kind)
            {
                case TypedConstantKind.Error:
                    return null;
                case TypedConstantKind.Array:
                    if (constant.IsNull)
                    {
                        return SettingValue.Null;
                    }

                    var elements = new SettingValue[constant.Values.Length];
                    for (var i = 0; i < elements.Length; i++)
                    {
                        var element = Read(constant.Values[i]);
                        if (element is null)
                        {
                            return null;
                        }

                        elements[i] = element;
                    }

                    return SettingValue.Array(new EquatableArray<SettingValue>(elements));
                case TypedConstantKind.Enum:
                    return ReadEnum(constant);
                case TypedConstantKind.Type:
                    return constant.Value is ITypeSymbol type ? SettingValue.TypeOf(type.ToDisplayString()) : SettingValue.Null;
                default:
                    return ReadPrimitive(constant.Value);
            }
        }

        private static SettingValue ReadEnum(TypedConstant constant)
        {
            var type = constant.Type!;
            var value = System.Convert.ToInt64(constant.Value, System.Globalization.CultureInfo.InvariantCulture);
            var member = type.GetMembers()
                .OfType<IFieldSymbol>()
                .FirstOrDefault(f => f.HasConstantValue && System.Convert.ToInt64(f.ConstantValue, System.Globalization.CultureInfo.InvariantCulture) == value);
            return SettingValue.Enum(type.ToDisplayString(), member?.Name, value);
        }

        private static SettingValue ReadPrimitive(object? value) => value switch
        {
            null => SettingValue.Null,
            bool b => SettingValue.Bool(b),
            string s => SettingValue.String(s),
            char c => SettingValue.String(c.ToString()),
            double d => SettingValue.Double(d),
            float f => SettingValue.Double(f),
            decimal m => SettingValue.Double((double)m),
            ulong u => SettingValue.Int(u > long.MaxValue ? long.MaxValue : (long)u),
            _ => SettingValue.Int(System.Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)),
        };
    }
}
