using System;

namespace Lora.Runtime.ChatTemplates;

/// <summary>
/// A chat template that cannot be used: a syntax error, or a Jinja feature outside the supported subset. Raised when the
/// template is parsed (at load), so an unsupported template is refused up front instead of rendering wrongly.
/// </summary>
public sealed class ChatTemplateException : Exception
{
    public ChatTemplateException(int line, int column, string problem)
        : base($"line {line}, column {column}: {problem}")
    {
        Line = line;
        Column = column;
        Problem = problem;
    }

    public ChatTemplateException(string message) : base(message)
    {
        Problem = message;
    }

    /// <summary>1-based line of the template where the problem is (0 when it is not about one place).</summary>
    public int Line { get; }

    /// <summary>1-based column of the template where the problem is (0 when it is not about one place).</summary>
    public int Column { get; }

    /// <summary>The problem without the position.</summary>
    public string Problem { get; }
}
