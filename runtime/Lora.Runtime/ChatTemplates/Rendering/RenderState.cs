using System;
using System.Collections.Generic;
using System.Text;

namespace Lora.Runtime.ChatTemplates.Rendering;

/// <summary>One render's mutable state: where text goes, the generation spans found, the clock.</summary>
internal sealed class RenderState(DateTime now)
{
    private readonly StringBuilder _root = new();

    public DateTime Now { get; } = now;

    /// <summary>Where rendered text goes now: the output, or a macro's/set block's capture.</summary>
    public StringBuilder Output { get; set; } = null!;

    public List<GenerationSpan> GenerationSpans { get; } = [];

    public StringBuilder Root => _root;

    public void Begin() => Output = _root;
}
