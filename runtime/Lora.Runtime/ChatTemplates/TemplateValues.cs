using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Lora.Runtime.ChatTemplates.Values;

namespace Lora.Runtime.ChatTemplates;

/// <summary>
/// Turns .NET values into the template's Python values, as json.loads would give them: objects keep key order, integers
/// stay integers ("1") and floats floats ("1.0"). The host's own JSON values are converted by its part of this class:
/// System.Text.Json's in the runtime (TemplateValues.Json.cs), the generator's JSON reader's in the generator.
/// </summary>
internal static partial class TemplateValues
{
    public static object? From(object? value) => value switch
    {
        null => null,
        string or bool or long or double => value,
        int i => (long)i,
        short or byte or sbyte or ushort or uint => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        float f => (double)f,
        decimal m => (double)m,
        _ when TryFromJson(value, out var converted) => converted,
        IDictionary dictionary => FromDictionary(dictionary),
        IEnumerable<KeyValuePair<string, object?>> pairs => FromPairs(pairs),
        IEnumerable sequence => sequence.Cast<object?>().Select(From).ToList(),
        _ => throw new ArgumentException($"A template variable cannot be a {value.GetType().Name}.", nameof(value)),
    };

    /// <summary>Converts a JSON value of the host's JSON model; false when <paramref name="value"/> is none.</summary>
    private static partial bool TryFromJson(object value, out object? converted);

    private static PyDict FromDictionary(IDictionary dictionary)
    {
        var dict = new PyDict();
        foreach (DictionaryEntry entry in dictionary)
            dict[PyDict.ToKey(From(entry.Key))] = From(entry.Value);
        return dict;
    }

    private static PyDict FromPairs(IEnumerable<KeyValuePair<string, object?>> pairs)
    {
        var dict = new PyDict();
        foreach (var pair in pairs)
            dict[pair.Key] = From(pair.Value);
        return dict;
    }
}
