using System.Globalization;

namespace Lora.Runtime.Quantization;

/// <summary>Python's <c>repr(float)</c>: shortest round-trip digits, "1.0" for integers, "1e-05" style below 1e-4 and from 1e16.</summary>
internal static class PythonFloat
{
    public static string Repr(double value)
    {
        if (double.IsNaN(value)) return "NaN";                                // json.dumps spellings
        if (double.IsInfinity(value)) return value > 0 ? "Infinity" : "-Infinity";

        var sign = value < 0 || (value == 0 && double.IsNegative(value)) ? "-" : "";
        // .NET's "R" is also the shortest string that round-trips; only the layout differs.
        var text = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var exponentAt = text.IndexOfAny(['E', 'e']);
        var mantissa = exponentAt < 0 ? text : text[..exponentAt];
        var exponent = exponentAt < 0 ? 0 : int.Parse(text[(exponentAt + 1)..], CultureInfo.InvariantCulture);
        var pointAt = mantissa.IndexOf('.');
        var integerPart = pointAt < 0 ? mantissa : mantissa[..pointAt];
        var digits = integerPart + (pointAt < 0 ? "" : mantissa[(pointAt + 1)..]);

        // value = 0.<digits> × 10^decimalPoint, Python's "decpt" convention.
        var decimalPoint = integerPart.Length + exponent;
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits.TrimStart('0').TrimEnd('0');
        decimalPoint -= leadingZeros;
        if (digits.Length == 0) return sign + "0.0";

        if (decimalPoint <= -4 || decimalPoint > 16)
        {
            var e = decimalPoint - 1;
            var head = digits.Length == 1 ? digits : digits[..1] + "." + digits[1..];
            return $"{sign}{head}e{(e < 0 ? "-" : "+")}{Math.Abs(e):00}";
        }

        if (decimalPoint <= 0) return $"{sign}0.{new string('0', -decimalPoint)}{digits}";
        if (decimalPoint >= digits.Length) return $"{sign}{digits}{new string('0', decimalPoint - digits.Length)}.0";
        return $"{sign}{digits[..decimalPoint]}.{digits[decimalPoint..]}";
    }
}
