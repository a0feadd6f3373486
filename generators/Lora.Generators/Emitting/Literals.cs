using System.Globalization;
using System.Text;
using Lora.Generators.Parsing;

namespace Lora.Generators.Emitting
{
    /// <summary>Writes setting values as C# literals.</summary>
    internal static class Literals
    {
        /// <summary>The C# expression for a value.</summary>
        /// <param name="value">The value; arrays carry their element type in <see cref="SettingValue.TypeName"/>.</param>
        /// <returns>The expression.</returns>
        public static string Of(SettingValue value)
        {
            switch (value.Kind)
            {
                case SettingKind.Int:
                    return value.Integer.ToString(CultureInfo.InvariantCulture);
                case SettingKind.Double:
                    return Double(value.Number);
                case SettingKind.Bool:
                    return value.AsBool ? "true" : "false";
                case SettingKind.String:
                    return String(value.Text!);
                case SettingKind.Enum:
                    return value.Text is null
                        ? "(global::" + value.TypeName + ")" + value.Integer.ToString(CultureInfo.InvariantCulture)
                        : "global::" + value.TypeName + "." + value.Text;
                case SettingKind.Type:
                    return "typeof(global::" + value.TypeName + ")";
                case SettingKind.Array:
                    return Array(value);
                default:
                    return "null";
            }
        }

        /// <summary>A string literal with C# escapes.</summary>
        /// <param name="text">The text.</param>
        /// <returns>The literal.</returns>
        public static string String(string text)
        {
            var builder = new StringBuilder("\"");
            foreach (var c in text)
            {
                switch (c)
                {
                    case '"': builder.Append("\\\""); break;
                    case '\\': builder.Append("\\\\"); break;
                    case '\n': builder.Append("\\n"); break;
                    case '\r': builder.Append("\\r"); break;
                    case '\t': builder.Append("\\t"); break;
                    case '\0': builder.Append("\\0"); break;
                    default:
                        if (char.IsControl(c) || c is '\u2028' or '\u2029' or '\u0085')
                        {
                            builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        }
                        else
                        {
                            builder.Append(c);
                        }

                        break;
                }
            }

            return builder.Append('"').ToString();
        }

        /// <summary>A double literal that round-trips: <c>0.0002</c>, <c>16.0</c>, <c>1E-08</c>, <c>double.NaN</c>.</summary>
        /// <param name="value">The value.</param>
        /// <returns>The literal.</returns>
        public static string Double(double value)
        {
            if (double.IsNaN(value))
            {
                return "double.NaN";
            }

            if (double.IsInfinity(value))
            {
                return value > 0 ? "double.PositiveInfinity" : "double.NegativeInfinity";
            }

            var text = value.ToString("R", CultureInfo.InvariantCulture);
            return text.IndexOf('.') >= 0 || text.IndexOf('E') >= 0 ? text : text + ".0";
        }

        private static string Array(SettingValue value)
        {
            var elementType = value.TypeName is null or "string" ? "string" : "global::" + value.TypeName;
            if (value.Elements.Count == 0)
            {
                return "global::System.Array.Empty<" + elementType + ">()";
            }

            var builder = new StringBuilder("new " + elementType + "[] { ");
            for (var i = 0; i < value.Elements.Count; i++)
            {
                builder.Append(i == 0 ? "" : ", ").Append(Of(value.Elements[i]));
            }

            return builder.Append(" }").ToString();
        }
    }
}
