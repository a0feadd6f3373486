using System.Collections.Generic;
using System.Linq;
using Lora.Runtime.ChatTemplates.Values;

namespace Lora.Runtime.ChatTemplates.Rendering;

/// <summary>
/// The read-only dict and list methods (<c>.items()</c>, <c>.get(k, d)</c>, <c>.count(x)</c>). The mutating ones
/// (<c>append</c>, <c>update</c>, <c>pop</c>) are what the immutable sandbox forbids; they are refused at load.
/// </summary>
internal static class CollectionMethods
{
    public static readonly HashSet<string> DictAttributes =
        ["clear", "copy", "fromkeys", "get", "items", "keys", "pop", "popitem", "setdefault", "update", "values"];

    public static readonly HashSet<string> ListAttributes =
        ["append", "clear", "copy", "count", "extend", "index", "insert", "pop", "remove", "reverse", "sort"];

    public static readonly HashSet<string> SupportedDict = ["get", "items", "keys", "values"];

    public static readonly HashSet<string> SupportedList = ["count", "index"];

    public static object? CallDict(PyDict dict, string name, CallArguments args)
    {
        switch (name)
        {
            case "items":
                args.Expect(name);
                return new PyDictView(dict.Select(p => (object?)new PyTuple([PyDict.FromKey(p.Key), p.Value])).ToList(), "dict_items");
            case "keys":
                args.Expect(name);
                return new PyDictView(dict.Keys.Select(PyDict.FromKey).ToList(), "dict_keys");
            case "values":
                args.Expect(name);
                return new PyDictView([.. dict.Values], "dict_values");
            case "get":
                args.Expect(name, "key", "default");
                return dict.TryGetValue(PyDict.ToKey(args.Get(0, "key", null)), out var value) ? value : args.Get(1, "default", null);
            default:
                throw new ChatTemplateRenderException($"dict.{name}() is not supported (the sandbox's dicts are immutable)");
        }
    }

    public static object? CallList(IReadOnlyList<object?> list, string name, CallArguments args)
    {
        switch (name)
        {
            case "count":
                var item = args.Expect(name, "value").Get(0, "value", null);
                return (long)list.Count(x => PyOps.AreEqual(x, item));
            case "index":
                var wanted = args.Expect(name, "value").Get(0, "value", null);
                for (var i = 0; i < list.Count; i++)
                {
                    if (PyOps.AreEqual(list[i], wanted))
                        return (long)i;
                }

                throw new ChatTemplateRenderException($"{PyFormat.Repr(wanted)} is not in list");
            default:
                throw new ChatTemplateRenderException($"list.{name}() is not supported (the sandbox's lists are immutable)");
        }
    }
}
