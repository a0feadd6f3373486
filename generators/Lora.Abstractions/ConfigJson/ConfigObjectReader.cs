using System.Collections.Generic;
using System.Globalization;

namespace Lora
{
    /// <summary>
    /// Typed access to the members of one config.json object. An absent (or null) member is null; a member of the wrong
    /// type is an error naming the file and the key (nested keys as "rope_parameters.factor") and saying what was expected.
    /// </summary>
    internal sealed class ConfigObjectReader
    {
        private readonly IConfigValue _json;
        private readonly string _prefix;

        /// <summary>Reads <paramref name="json"/>, an object of the file <paramref name="path"/>.</summary>
        /// <param name="json">The object.</param>
        /// <param name="path">The file, as messages name it.</param>
        /// <param name="prefix">The object's own key and a dot, for nested objects; empty at the top.</param>
        public ConfigObjectReader(IConfigValue json, string path, string prefix = "")
        {
            _json = json;
            Path = path;
            _prefix = prefix;
        }

        /// <summary>The file, as messages name it.</summary>
        public string Path { get; }

        /// <summary>A required string.</summary>
        /// <param name="key">The key.</param>
        /// <returns>The string.</returns>
        public string String(string key) => OptionalString(key) ?? throw Missing(key, "a string");

        /// <summary>A required integer.</summary>
        /// <param name="key">The key.</param>
        /// <returns>The integer.</returns>
        public int Int(string key) => OptionalInt(key) ?? throw Missing(key, "an integer");

        /// <summary>A string, or null when absent.</summary>
        /// <param name="key">The key.</param>
        /// <returns>The string, or null.</returns>
        public string? OptionalString(string key)
        {
            var value = _json.Member(key);
            return value is null ? null : value.Kind == ConfigValueKind.String ? value.Text : throw Wrong(key, value, "a string");
        }

        /// <summary>An integer (a number written without fraction or exponent, within int's range), or null when absent.</summary>
        /// <param name="key">The key.</param>
        /// <returns>The integer, or null.</returns>
        public int? OptionalInt(string key)
        {
            var value = _json.Member(key);
            return value is null ? null : AsInt(value) ?? throw Wrong(key, value, "an integer");
        }

        /// <summary>A number, or null when absent.</summary>
        /// <param name="key">The key.</param>
        /// <returns>The number, or null.</returns>
        public double? OptionalDouble(string key)
        {
            var value = _json.Member(key);
            return value is null ? null : value.Kind == ConfigValueKind.Number ? value.Number : throw Wrong(key, value, "a number");
        }

        /// <summary>
        /// A number that JSON null switches off: <paramref name="whenAbsent"/> when the key is absent, null when it is written
        /// as null (as transformers reads Gemma 2's soft-capping keys: None means no capping, an absent key the default).
        /// </summary>
        /// <param name="key">The key.</param>
        /// <param name="whenAbsent">The config class's default.</param>
        /// <returns>The number, the default, or null.</returns>
        public double? OptionalDoubleOrNull(string key, double? whenAbsent) => _json.Has(key) ? OptionalDouble(key) : whenAbsent;

        /// <summary>A boolean, or null when absent.</summary>
        /// <param name="key">The key.</param>
        /// <returns>The boolean, or null.</returns>
        public bool? OptionalBool(string key)
        {
            var value = _json.Member(key);
            return value is null ? null : value.Kind == ConfigValueKind.Boolean ? value.IsTrue : throw Wrong(key, value, "true or false");
        }

        /// <summary>A nested object, or null when absent.</summary>
        /// <param name="key">The key.</param>
        /// <returns>A reader of the object, or null.</returns>
        public ConfigObjectReader? OptionalObject(string key)
        {
            var value = _json.Member(key);
            return value is null ? null
                : value.Kind == ConfigValueKind.Object ? new ConfigObjectReader(value, Path, _prefix + key + ".")
                : throw Wrong(key, value, "an object");
        }

        /// <summary>An integer or a list of integers (eos_token_id); empty when absent.</summary>
        /// <param name="key">The key.</param>
        /// <returns>The integers.</returns>
        public IReadOnlyList<int> IntOrList(string key)
        {
            var value = _json.Member(key);
            if (value is null)
            {
                return System.Array.Empty<int>();
            }

            if (value.Kind != ConfigValueKind.Array)
            {
                return new[] { AsInt(value) ?? throw Wrong(key, value, "an integer or a list of integers") };
            }

            var ids = new List<int>();
            foreach (var item in value.Items)
            {
                ids.Add((item is null ? null : AsInt(item)) ?? throw WrongItem(key, item, "an integer or a list of integers"));
            }

            return ids;
        }

        /// <summary>A list of numbers, or null when absent.</summary>
        /// <param name="key">The key.</param>
        /// <returns>The numbers, or null.</returns>
        public IReadOnlyList<double>? OptionalNumbers(string key)
        {
            var value = _json.Member(key);
            if (value is null)
            {
                return null;
            }

            if (value.Kind != ConfigValueKind.Array)
            {
                throw Wrong(key, value, "a list of numbers");
            }

            var numbers = new List<double>();
            foreach (var item in value.Items)
            {
                numbers.Add(item is { Kind: ConfigValueKind.Number } number ? number.Number : throw WrongItem(key, item, "a list of numbers"));
            }

            return numbers;
        }

        /// <summary>A list of strings, or null when absent.</summary>
        /// <param name="key">The key.</param>
        /// <returns>The strings, or null.</returns>
        public IReadOnlyList<string>? OptionalStrings(string key)
        {
            var value = _json.Member(key);
            if (value is null)
            {
                return null;
            }

            if (value.Kind != ConfigValueKind.Array)
            {
                throw Wrong(key, value, "a list of strings");
            }

            var strings = new List<string>();
            foreach (var item in value.Items)
            {
                strings.Add(item is { Kind: ConfigValueKind.String } text ? text.Text : throw WrongItem(key, item, "a list of strings"));
            }

            return strings;
        }

        /// <summary>An error about this file.</summary>
        /// <param name="problem">What is wrong, without the file or a final period.</param>
        /// <returns>The exception to throw.</returns>
        public ModelConfigException Error(string problem) => new(Path, problem);

        /// <summary>A refusal of a valid setting that Lora does not implement (<see cref="ModelConfigException.IsUnsupported"/>).</summary>
        /// <param name="problem">Which key, its value, and what Lora accepts, without the file or a final period.</param>
        /// <returns>The exception to throw.</returns>
        public ModelConfigException Unsupported(string problem) => new(Path, problem, isUnsupported: true);

        /// <summary>Whether the key is present, even as JSON null (transformers tells an absent key, its default, from null).</summary>
        /// <param name="key">The key.</param>
        /// <returns>True when present.</returns>
        public bool Has(string key) => _json.Has(key);

        /// <summary>The key as messages name it, with the objects it is nested in ("rope_parameters.factor").</summary>
        /// <param name="key">The key.</param>
        /// <returns>The qualified name.</returns>
        public string NameOf(string key) => Name(key);

        /// <summary>The key as messages name it: with the names of the objects it is nested in.</summary>
        private string Name(string key) => _prefix + key;

        private static int? AsInt(IConfigValue value) =>
            value.Kind == ConfigValueKind.Number && value.IsInteger && value.Number >= int.MinValue && value.Number <= int.MaxValue ? (int)value.Number : null;

        private ModelConfigException Missing(string key, string what) => Error("key '" + Name(key) + "' is missing; expected " + what);

        private ModelConfigException Wrong(string key, IConfigValue value, string what) => Error("key '" + Name(key) + "' is " + Describe(value) + "; expected " + what);

        private ModelConfigException WrongItem(string key, IConfigValue? item, string what) =>
            Error("key '" + Name(key) + "' holds " + (item is null ? "null" : Describe(item)) + "; expected " + what);

        /// <summary>A value as messages show it; both JSON libraries' values read the same.</summary>
        private static string Describe(IConfigValue value)
        {
            switch (value.Kind)
            {
                case ConfigValueKind.String:
                    return "\"" + value.Text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
                case ConfigValueKind.Number:
                    // 64.0 stays "64.0" (not an integer), as the file wrote it; exponents, NaN and infinities read as they are.
                    var number = value.Number.ToString("R", CultureInfo.InvariantCulture);
                    return value.IsInteger || number.IndexOfAny(new[] { '.', 'E', 'N', 'I' }) >= 0 ? number : number + ".0";
                case ConfigValueKind.Boolean:
                    return value.IsTrue ? "true" : "false";
                case ConfigValueKind.Array:
                    return "a list";
                default:
                    return "an object";
            }
        }
    }
}
