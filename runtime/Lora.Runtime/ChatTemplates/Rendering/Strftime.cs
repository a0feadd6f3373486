using System;
using System.Globalization;
using System.Text;

namespace Lora.Runtime.ChatTemplates.Rendering;

/// <summary>
/// Python's <c>datetime.strftime</c> (C locale) for <c>strftime_now</c>: the directives date prompts use, including
/// glibc's <c>%-d</c> (no padding) that Llama 3.x templates write.
/// </summary>
internal static class Strftime
{
    public static string Format(DateTime now, string format)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                builder.Append(format[i]);
                continue;
            }

            var noPad = format[i + 1] == '-' && i + 2 < format.Length;
            if (noPad)
                i++;
            var directive = format[++i];
            builder.Append(Directive(now, directive, noPad));
        }

        return builder.ToString();
    }

    private static string Directive(DateTime now, char directive, bool noPad)
    {
        string Number(int value, int width) =>
            value.ToString(noPad ? "D" : "D" + width, CultureInfo.InvariantCulture);

        var culture = CultureInfo.InvariantCulture;
        return directive switch
        {
            'Y' => now.Year.ToString(culture),
            'y' => Number(now.Year % 100, 2),
            'm' => Number(now.Month, 2),
            'd' => Number(now.Day, 2),
            'e' => now.Day.ToString(culture).PadLeft(2),
            'H' => Number(now.Hour, 2),
            'I' => Number(now.Hour % 12 == 0 ? 12 : now.Hour % 12, 2),
            'M' => Number(now.Minute, 2),
            'S' => Number(now.Second, 2),
            'f' => (now.Ticks % TimeSpan.TicksPerSecond / 10).ToString("D6", culture),
            'p' => now.Hour < 12 ? "AM" : "PM",
            'j' => Number(now.DayOfYear, 3),
            'B' => culture.DateTimeFormat.GetMonthName(now.Month),
            'b' or 'h' => culture.DateTimeFormat.GetAbbreviatedMonthName(now.Month),
            'A' => culture.DateTimeFormat.GetDayName(now.DayOfWeek),
            'a' => culture.DateTimeFormat.GetAbbreviatedDayName(now.DayOfWeek),
            'w' => ((int)now.DayOfWeek).ToString(culture),
            'u' => (now.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)now.DayOfWeek).ToString(culture),
            'F' => now.ToString("yyyy-MM-dd", culture),
            'D' => now.ToString("MM/dd/yy", culture),
            'T' => now.ToString("HH:mm:ss", culture),
            'R' => now.ToString("HH:mm", culture),
            '%' => "%",
            _ => throw new ChatTemplateRenderException($"strftime directive '%{directive}' is not supported"),
        };
    }
}
