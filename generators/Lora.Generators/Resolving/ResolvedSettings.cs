using System.Collections.Generic;
using System.Linq;
using Lora.Generators.Diagnostics;
using Lora.Generators.Parsing;

namespace Lora.Generators.Resolving
{
    /// <summary>Every setting's value for one configuration: written in source, swept, or the attribute's default.</summary>
    internal sealed class ResolvedSettings
    {
        private readonly Dictionary<string, SettingValue> _values;
        private readonly ExperimentSpec _spec;

        /// <summary>Creates an empty table for an experiment.</summary>
        /// <param name="spec">The experiment.</param>
        /// <param name="datasetKind">Which dataset attribute the experiment uses.</param>
        public ResolvedSettings(ExperimentSpec spec, AttributeKind datasetKind)
            : this(spec, datasetKind, new Dictionary<string, SettingValue>())
        {
        }

        private ResolvedSettings(ExperimentSpec spec, AttributeKind datasetKind, Dictionary<string, SettingValue> values)
        {
            _spec = spec;
            DatasetKind = datasetKind;
            _values = values;
        }

        /// <summary>The dataset attribute in use: <see cref="AttributeKind.Dataset"/> or <see cref="AttributeKind.TypedDataset"/>.</summary>
        public AttributeKind DatasetKind { get; }

        /// <summary>Whether the experiment carries the attribute.</summary>
        /// <param name="kind">The attribute.</param>
        /// <returns>True when applied.</returns>
        public bool Has(AttributeKind kind) => _spec.Find(kind) is not null;

        /// <summary>Sets a value.</summary>
        /// <param name="kind">The attribute.</param>
        /// <param name="name">The setting.</param>
        /// <param name="value">The value.</param>
        public void Set(AttributeKind kind, string name, SettingValue value) => _values[Key(kind, name)] = value;

        /// <summary>A setting's value.</summary>
        /// <param name="kind">The attribute.</param>
        /// <param name="name">The setting.</param>
        /// <returns>The value; null when the setting is unknown.</returns>
        public SettingValue Get(AttributeKind kind, string name) =>
            _values.TryGetValue(Key(kind, name), out var value) ? value : SettingValue.Null;

        /// <summary>The argument that wrote a setting, or null when it has its default.</summary>
        /// <param name="kind">The attribute.</param>
        /// <param name="name">The setting.</param>
        /// <returns>The argument or null.</returns>
        public ArgumentSpec? Argument(AttributeKind kind, string name) => _spec.Find(kind)?.Find(name);

        /// <summary>Where to report a problem with a setting: its argument, else its attribute, else [Experiment].</summary>
        /// <param name="kind">The attribute.</param>
        /// <param name="name">The setting.</param>
        /// <returns>The location.</returns>
        /// <summary>A setting's value with its location, then every value a sweep gives it with each one's location.</summary>
        public IEnumerable<(SettingValue Value, LocationInfo Location)> WithSweptValues(AttributeKind kind, string name, IReadOnlyList<SweepAxis> axes)
        {
            yield return (Get(kind, name), LocationOf(kind, name));
            foreach (var axis in axes.Where(a => a.Attribute == kind && a.Definition.Name == name))
            {
                foreach (var point in axis.Points)
                {
                    yield return (point.Value, point.Location);
                }
            }
        }

        public LocationInfo LocationOf(AttributeKind kind, string name) =>
            Argument(kind, name)?.Location
            ?? _spec.Find(kind)?.Location
            ?? _spec.Find(AttributeKind.Experiment)?.Location
            ?? _spec.Type.IdentifierLocation;

        /// <summary>A copy with some settings replaced (a sweep variant).</summary>
        /// <param name="overrides">The replaced settings.</param>
        /// <returns>The copy.</returns>
        public ResolvedSettings With(IEnumerable<(AttributeKind Kind, string Name, SettingValue Value)> overrides)
        {
            var copy = new ResolvedSettings(_spec, DatasetKind, new Dictionary<string, SettingValue>(_values));
            foreach (var (kind, name, value) in overrides)
            {
                copy.Set(kind, name, value);
            }

            return copy;
        }

        private static string Key(AttributeKind kind, string name) => kind + "." + name;
    }
}
