using System;
using System.Collections.Generic;

namespace Lora.Runtime.ChatTemplates.Values;

/// <summary><c>range(start, stop, step)</c> as Python has it: lazy, indexable, prints as "range(0, 3)".</summary>
internal sealed class PyRange
{
    public PyRange(long start, long stop, long step)
    {
        if (step == 0)
            throw new ChatTemplateRenderException("range() arg 3 must not be zero");
        Start = start;
        Stop = stop;
        Step = step;
        var span = step > 0 ? stop - start : start - stop;
        var stride = Math.Abs(step);
        Count = span <= 0 ? 0 : (span + stride - 1) / stride;
        // The sandbox's limit: a template cannot make a huge range.
        if (Count > 100_000)
            throw new ChatTemplateRenderException("Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).");
    }

    public long Start { get; }
    public long Stop { get; }
    public long Step { get; }
    public long Count { get; }

    public long this[long index] => Start + (index * Step);

    public IEnumerable<object?> Enumerate()
    {
        for (long i = 0; i < Count; i++)
            yield return this[i];
    }
}
