using System.Text;

namespace Lora.Tools.Pretraining;

/// <summary>
/// Makes whitespace uniform without changing words: line ends become "\n", runs of spaces, tabs and other
/// horizontal whitespace become one space, lines are trimmed, blank lines collapse to one (a paragraph
/// break) and the text is trimmed at both ends.
/// </summary>
public static class WhitespaceNormalizer
{
    public static string Normalize(string text)
    {
        var result = new StringBuilder(text.Length);
        int pendingNewlines = 0;
        foreach (var rawLine in text.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n'))
        {
            var line = CollapseSpaces(rawLine);
            if (line.Length == 0)
            {
                if (pendingNewlines > 0) pendingNewlines = 2;
                continue;
            }
            if (result.Length > 0) result.Append('\n', Math.Max(1, pendingNewlines));
            result.Append(line);
            pendingNewlines = 1;
        }
        return result.ToString();
    }

    static string CollapseSpaces(string line)
    {
        var result = new StringBuilder(line.Length);
        bool inSpace = false;
        foreach (char c in line)
        {
            if (char.IsWhiteSpace(c)) { inSpace = true; continue; }
            if (inSpace && result.Length > 0) result.Append(' ');
            inSpace = false;
            result.Append(c);
        }
        return result.ToString();
    }
}
