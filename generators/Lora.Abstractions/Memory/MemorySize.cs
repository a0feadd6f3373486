using System;
using System.Globalization;

namespace Lora
{
    /// <summary>Reads and writes byte sizes such as <c>8GB</c>. Units are binary: GB and GiB both mean 2^30 bytes, the way accelerator memory is sold.</summary>
    public static class MemorySize
    {
        /// <summary>Parses a size: a number, optional spaces, and an optional unit (B, K/KB/KiB, M/MB/MiB, G/GB/GiB, T/TB/TiB; any case).</summary>
        /// <param name="text">The text, e.g. <c>8GB</c>, <c>1.5 GiB</c>, <c>512MB</c>.</param>
        /// <param name="bytes">The size in bytes.</param>
        /// <returns>False when the text is not a positive size.</returns>
        public static bool TryParse(string? text, out long bytes)
        {
            bytes = 0;
            if (text is null)
            {
                return false;
            }

            var trimmed = text.Trim();
            var end = 0;
            while (end < trimmed.Length && (char.IsDigit(trimmed[end]) || trimmed[end] == '.'))
            {
                end++;
            }

            if (end == 0 || !double.TryParse(trimmed.Substring(0, end), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            var multiplier = UnitMultiplier(trimmed.Substring(end).Trim());
            if (multiplier == 0 || number <= 0)
            {
                return false;
            }

            bytes = (long)Math.Round(number * multiplier);
            return true;
        }

        /// <summary>Formats bytes with a binary unit and three significant digits, e.g. <c>7.45 GiB</c>.</summary>
        /// <param name="bytes">The size.</param>
        /// <returns>The formatted size.</returns>
        public static string Format(long bytes)
        {
            string[] units = { "B", "KiB", "MiB", "GiB", "TiB" };
            double value = bytes;
            var unit = 0;
            while (value >= 1024 && unit < units.Length - 1)
            {
                value /= 1024;
                unit++;
            }

            var format = unit == 0 ? "0" : value >= 100 ? "0" : value >= 10 ? "0.0" : "0.00";
            return value.ToString(format, CultureInfo.InvariantCulture) + " " + units[unit];
        }

        private static double UnitMultiplier(string unit)
        {
            switch (unit.ToUpperInvariant())
            {
                case "":
                case "B":
                    return 1;
                case "K":
                case "KB":
                case "KIB":
                    return 1024d;
                case "M":
                case "MB":
                case "MIB":
                    return 1024d * 1024;
                case "G":
                case "GB":
                case "GIB":
                    return 1024d * 1024 * 1024;
                case "T":
                case "TB":
                case "TIB":
                    return 1024d * 1024 * 1024 * 1024;
                default:
                    return 0;
            }
        }
    }
}
