using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Lora.Runtime.ChatTemplates.Values;

namespace Lora.Runtime.ChatTemplates.Rendering;

/// <summary>
/// transformers' <c>tojson</c>: Python's <c>json.dumps(x, ensure_ascii=False, indent=None, separators=None,
/// sort_keys=False)</c>, without Jinja's HTML escaping. Separators default to ", " and ": ", or "," and ": " when
/// indenting, as json.dumps does.
/// </summary>
internal static class JsonDump
{
    public static string Dumps(object? value, CallArguments arguments)
    {
        var ensureAscii = PyOps.IsTrue(arguments.Get(0, "ensure_ascii", false));
        var indentValue = arguments.Get(1, "indent", null);
        string? indent = indentValue switch
        {
            null => null,
            long n => new string(' ', (int)Math.Max(0, n)),
            string s => s,
            _ => throw new ChatTemplateRenderException("tojson: indent must be an integer or a string"),
        };
        var (itemSeparator, keySeparator) = (indent is null ? ", " : ",", ": ");
        if (arguments.Get(2, "separators", null) is { } separators)
        {
            var pair = PyOps.ToList(separators);
            if (pair.Count != 2 || pair[0] is not string item || pair[1] is not string key)
                throw new ChatTemplateRenderException("tojson: separators must be a pair of strings");
            (itemSeparator, keySeparator) = (item, key);
        }

        var writer = new Writer(ensureAscii, indent, itemSeparator, keySeparator, PyOps.IsTrue(arguments.Get(3, "sort_keys", false)));
        writer.Write(value, 0);
        return writer.ToString();
    }

    private sealed class Writer(bool ensureAscii, string? indent, string itemSeparator, string keySeparator, bool sortKeys)
    {
        private readonly StringBuilder _out = new();

        public override string ToString() => _out.ToString();

        public void Write(object? value, int depth)
        {
            switch (value)
            {
                case null: _out.Append("null"); break;
                case bool b: _out.Append(b ? "true" : "false"); break;
                case long l: _out.Append(l.ToString(CultureInfo.InvariantCulture)); break;
                case double d: _out.Append(Float(d)); break;
                case string s: WriteString(s); break;
                case List<object?> list: WriteArray(list, depth); break;
                case PyTuple tuple: WriteArray(tuple.Items, depth); break;
                case PyDict dict: WriteObject(dict, depth); break;
                default:
                    throw new ChatTemplateRenderException($"Object of type {PyFormat.TypeName(value)} is not JSON serializable");
            }
        }

        private static string Float(double d) =>
            double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : PyFormat.Float(d);

        private void NewLine(int depth)
        {
            if (indent is null)
                return;
            _out.Append('\n');
            for (var i = 0; i < depth; i++)
                _out.Append(indent);
        }

        private void WriteArray(IReadOnlyList<object?> items, int depth)
        {
            if (items.Count == 0)
            {
                _out.Append("[]");
                return;
            }

            _out.Append('[');
            for (var i = 0; i < items.Count; i++)
            {
                if (i > 0)
                    _out.Append(itemSeparator);
                NewLine(depth + 1);
                Write(items[i], depth + 1);
            }

            NewLine(depth);
            _out.Append(']');
        }

        private void WriteObject(PyDict dict, int depth)
        {
            if (dict.Count == 0)
            {
                _out.Append("{}");
                return;
            }

            var pairs = dict.Select(p => (Key: KeyText(PyDict.FromKey(p.Key)), p.Value)).ToList();
            if (sortKeys)
                pairs = [.. pairs.OrderBy(p => p.Key, StringComparer.Ordinal)];
            _out.Append('{');
            for (var i = 0; i < pairs.Count; i++)
            {
                if (i > 0)
                    _out.Append(itemSeparator);
                NewLine(depth + 1);
                WriteString(pairs[i].Key);
                _out.Append(keySeparator);
                Write(pairs[i].Value, depth + 1);
            }

            NewLine(depth);
            _out.Append('}');
        }

        // json.dumps turns non-string keys into strings: True → "true", None → "null", 1.5 → "1.5".
        private static string KeyText(object? key) => key switch
        {
            string s => s,
            null => "null",
            bool b => b ? "true" : "false",
            long l => l.ToString(CultureInfo.InvariantCulture),
            double d => Float(d),
            _ => throw new ChatTemplateRenderException($"keys must be str, int, float, bool or None, not {PyFormat.TypeName(key)}"),
        };

        private void WriteString(string s)
        {
            _out.Append('"');
            foreach (var c in s)
            {
                switch (c)
                {
                    case '"': _out.Append("\\\""); break;
                    case '\\': _out.Append("\\\\"); break;
                    case '\n': _out.Append("\\n"); break;
                    case '\r': _out.Append("\\r"); break;
                    case '\t': _out.Append("\\t"); break;
                    case '\b': _out.Append("\\b"); break;
                    case '\f': _out.Append("\\f"); break;
                    default:
                        if (c < 0x20 || (ensureAscii && c > 0x7e))
                            _out.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        else
                            _out.Append(c);
                        break;
                }
            }

            _out.Append('"');
        }
    }
}
