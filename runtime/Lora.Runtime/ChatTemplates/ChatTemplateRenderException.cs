using System;

namespace Lora.Runtime.ChatTemplates;

/// <summary>
/// A template failed while rendering: an undefined value used where Jinja raises (its message is Jinja's, e.g.
/// "'foo' is undefined"), or an operation Python would refuse (adding a string to a number).
/// </summary>
public class ChatTemplateRenderException : Exception
{
    public ChatTemplateRenderException(string message) : base(message)
    {
    }
}

/// <summary>
/// The template called <c>raise_exception(message)</c>: it refuses the conversation (a system role it does not support,
/// roles that do not alternate). <see cref="Exception.Message"/> is the template's message, verbatim.
/// </summary>
public sealed class ChatTemplateRaisedException : ChatTemplateRenderException
{
    public ChatTemplateRaisedException(string message) : base(message)
    {
    }
}
