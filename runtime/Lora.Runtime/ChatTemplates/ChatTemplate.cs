using System;
using System.Collections.Generic;
using Lora.Runtime.ChatTemplates.Rendering;
using Lora.Runtime.ChatTemplates.Syntax;

namespace Lora.Runtime.ChatTemplates;

/// <summary>
/// A Hugging Face chat template, parsed once and rendered many times, with the semantics of the Jinja environment
/// transformers uses (ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks, loop controls, the generation tag,
/// its tojson, raise_exception and strftime_now). A template using a feature outside the supported subset is refused
/// by <see cref="Parse"/> with a <see cref="ChatTemplateException"/> naming the line and column. A parsed template is
/// immutable: <see cref="Render"/> may run on several threads at once.
/// </summary>
public sealed class ChatTemplate
{
    private static readonly Scope SharedGlobals = Globals.Create();
    private readonly List<Stmt> _body;
    private readonly Renderer _renderer = new();

    private ChatTemplate(string source, List<Stmt> body)
    {
        Source = source;
        _body = body;
    }

    /// <summary>The template text as given.</summary>
    public string Source { get; }

    /// <exception cref="ChatTemplateException">A syntax error or an unsupported feature.</exception>
    public static ChatTemplate Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new ChatTemplate(source, Parser.Parse(source));
    }

    /// <summary>
    /// Renders with the given variables (<c>messages</c>, <c>add_generation_prompt</c>, special tokens, …): .NET values
    /// (string, bool, numbers, null, lists, dictionaries) or JSON (JsonElement, JsonNode).
    /// </summary>
    /// <param name="variables">The template's variables by name.</param>
    /// <param name="now">What <c>strftime_now</c> reports; the local time when null.</param>
    /// <exception cref="ChatTemplateRaisedException">The template called raise_exception.</exception>
    /// <exception cref="ChatTemplateRenderException">Another template error (an undefined value used, a type error).</exception>
    public ChatTemplateRendering Render(IReadOnlyDictionary<string, object?> variables, DateTime? now = null)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var scope = new Scope(SharedGlobals);
        foreach (var (name, value) in variables)
            scope.Set(name, TemplateValues.From(value));
        var state = new RenderState(now ?? DateTime.Now);
        state.Begin();
        _renderer.Execute(_body, scope, state);
        return new ChatTemplateRendering(state.Root.ToString(), state.GenerationSpans);
    }
}
