using System;
using System.Linq;
using Lora.Runtime.ChatTemplates.Values;

namespace Lora.Runtime.ChatTemplates.Rendering;

/// <summary>
/// The functions every template sees: Jinja's <c>range</c>, <c>namespace</c>, <c>dict</c>, and transformers'
/// <c>raise_exception</c> and <c>strftime_now</c>.
/// </summary>
internal static class Globals
{
    public static Scope Create()
    {
        var scope = new Scope(null);
        Add(scope, "raise_exception", (args, _) =>
            throw new ChatTemplateRaisedException(PyFormat.Str(args.Expect("raise_exception", "message").Get(0, "message", null))));
        Add(scope, "strftime_now", (args, state) =>
            Strftime.Format(state.Now, PyFormat.Str(args.Expect("strftime_now", "format").Get(0, "format", ""))));
        Add(scope, "range", Range);
        Add(scope, "namespace", (args, _) =>
        {
            var ns = new Namespace();
            Fill(ns.Attributes, args);
            return ns;
        });
        Add(scope, "dict", (args, _) =>
        {
            var dict = new PyDict();
            Fill(dict, args);
            return dict;
        });
        return scope;
    }

    private static void Add(Scope scope, string name, Func<CallArguments, RenderState, object?> body) =>
        scope.Set(name, new NativeFunction(name, body));

    private static object? Range(CallArguments args, RenderState state)
    {
        if (args.Named.Count > 0)
            throw new ChatTemplateRenderException("range() takes no keyword arguments");
        var numbers = args.Positional.Select(a => a switch
        {
            long l => l,
            bool b => b ? 1L : 0L,
            _ => throw new ChatTemplateRenderException($"'{PyFormat.TypeName(a)}' object cannot be interpreted as an integer"),
        }).ToArray();
        return numbers.Length switch
        {
            1 => new PyRange(0, numbers[0], 1),
            2 => new PyRange(numbers[0], numbers[1], 1),
            3 => new PyRange(numbers[0], numbers[1], numbers[2]),
            _ => throw new ChatTemplateRenderException($"range expected 1 to 3 arguments, got {numbers.Length}"),
        };
    }

    // namespace(mapping, key=value, ...) and dict(...): a positional mapping (or pairs) first, then the keywords.
    private static void Fill(PyDict target, CallArguments args)
    {
        foreach (var positional in args.Positional)
        {
            if (positional is PyDict source)
            {
                foreach (var pair in source)
                    target[pair.Key] = pair.Value;
            }
            else
            {
                foreach (var pair in PyOps.Iterate(positional))
                {
                    var items = PyOps.ToList(pair);
                    if (items.Count != 2)
                        throw new ChatTemplateRenderException("dictionary update sequence element has the wrong length; 2 is required");
                    target[PyDict.ToKey(items[0])] = items[1];
                }
            }
        }

        foreach (var pair in args.Named)
            target[pair.Key] = pair.Value;
    }
}
