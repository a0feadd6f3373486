using System;
using System.Collections.Generic;
using System.Linq;
using Lora.Runtime.ChatTemplates.Values;

namespace Lora.Runtime.ChatTemplates.Rendering;

/// <summary>Jinja's tests (<c>x is defined</c>, <c>x is string</c>, <c>n is divisibleby 3</c>…), with Python's type rules.</summary>
internal static class TestFunctions
{
    private static readonly Dictionary<string, Func<object?, CallArguments, bool>> All = new(StringComparer.Ordinal)
    {
        ["defined"] = (v, _) => v is not Undefined,
        ["undefined"] = (v, _) => v is Undefined,
        ["none"] = (v, _) => v is null,
        ["string"] = (v, _) => v is string,
        // Jinja's mapping is collections.abc.Mapping: dicts only (a namespace is not one).
        ["mapping"] = (v, _) => v is PyDict,
        ["iterable"] = (v, _) => PyOps.IsIterable(v),
        // Jinja's sequence: has len() and __getitem__ (strings, lists, tuples, dicts, and its Undefined).
        ["sequence"] = (v, _) => v is string or List<object?> or PyTuple or PyDict or PyRange or Undefined,
        ["number"] = (v, _) => PyOps.IsNumber(v),
        ["integer"] = (v, _) => v is long,
        ["float"] = (v, _) => v is double,
        ["boolean"] = (v, _) => v is bool,
        ["true"] = (v, _) => v is true,
        ["false"] = (v, _) => v is false,
        ["callable"] = (v, _) => v is ICallableValue,
        ["lower"] = (v, _) => PyFormat.Str(v) is var s && s.Any(char.IsLetter) && !s.Any(char.IsUpper),
        ["upper"] = (v, _) => PyFormat.Str(v) is var s && s.Any(char.IsLetter) && !s.Any(char.IsLower),
        ["even"] = (v, _) => PyOps.AreEqual(PyOps.Modulo(Number(v), 2L), 0L),
        ["odd"] = (v, _) => PyOps.AreEqual(PyOps.Modulo(Number(v), 2L), 1L),
        ["divisibleby"] = (v, a) => PyOps.AreEqual(PyOps.Modulo(Number(v), Number(a.Get(0, "num", null))), 0L),
        ["sameas"] = (v, a) => Same(v, a.Get(0, "other", null)),
        ["in"] = (v, a) => PyOps.Contains(a.Get(0, "seq", null), v),
        ["eq"] = Equal, ["equalto"] = Equal, ["=="] = Equal,
        ["ne"] = (v, a) => !Equal(v, a), ["!="] = (v, a) => !Equal(v, a),
        ["lt"] = (v, a) => PyOps.Compare(v, a.Get(0, "other", null), "<") < 0,
        ["lessthan"] = (v, a) => PyOps.Compare(v, a.Get(0, "other", null), "<") < 0,
        ["le"] = (v, a) => PyOps.Compare(v, a.Get(0, "other", null), "<=") <= 0,
        ["gt"] = (v, a) => PyOps.Compare(v, a.Get(0, "other", null), ">") > 0,
        ["greaterthan"] = (v, a) => PyOps.Compare(v, a.Get(0, "other", null), ">") > 0,
        ["ge"] = (v, a) => PyOps.Compare(v, a.Get(0, "other", null), ">=") >= 0,
        ["filter"] = (v, _) => v is string name && Filters.Supported.Contains(name),
        ["test"] = (v, _) => v is string name && IsTestName(name),
    };

    /// <summary>The tests the parser accepts; any other name is refused at load.</summary>
    public static readonly HashSet<string> Supported = [.. All.Keys];

    public static bool Apply(string name, object? value, CallArguments arguments, RenderState state) =>
        All.TryGetValue(name, out var test)
            ? test(value, arguments)
            : throw new ChatTemplateRenderException($"no test named '{name}'");

    private static bool IsTestName(string name) => All.ContainsKey(name);

    private static bool Equal(object? value, CallArguments arguments) => PyOps.AreEqual(value, arguments.Get(0, "other", null));

    // `is sameas` is Python's `is`: identity for objects, value for the singletons and small literals templates compare.
    private static bool Same(object? a, object? b) => a switch
    {
        null => b is null,
        bool x => b is bool y && x == y,
        long or double or string => b is not null && a.GetType() == b.GetType() && PyOps.AreEqual(a, b),
        _ => ReferenceEquals(a, b),
    };

    // even/odd/divisibleby are Python's %: numbers only (a string % would be formatting).
    private static object? Number(object? value) => value switch
    {
        bool or long or double => value,
        Undefined u => throw u.Fail(),
        _ => throw new ChatTemplateRenderException($"unsupported operand type(s) for %: '{PyFormat.TypeName(value)}' and 'int'"),
    };
}
