using System.Collections.Immutable;
using Lora.Generators.Common;
using Microsoft.CodeAnalysis;

namespace Lora.Generators.Diagnostics
{
    /// <summary>
    /// A diagnostic kept as equatable data until it is reported from its own pipeline output, so that moving code
    /// changes only the diagnostics and not the generated sources.
    /// </summary>
    /// <param name="Descriptor">The rule.</param>
    /// <param name="Location">Where to report it, or null for the project.</param>
    /// <param name="Arguments">The message arguments, already formatted as text.</param>
    /// <param name="Suggestion">A replacement text for code fixes (e.g. the closest target module name), or null.</param>
    internal sealed record DiagnosticInfo(
        DiagnosticDescriptor Descriptor,
        LocationInfo? Location,
        EquatableArray<string> Arguments,
        string? Suggestion)
    {
        /// <summary>Creates a diagnostic.</summary>
        /// <param name="descriptor">The rule.</param>
        /// <param name="location">Where to report it.</param>
        /// <param name="arguments">The message arguments.</param>
        /// <returns>The diagnostic.</returns>
        public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
            new(descriptor, location, new EquatableArray<string>(arguments), null);

        /// <summary>Turns the data back into a Roslyn diagnostic.</summary>
        /// <returns>The diagnostic.</returns>
        public Diagnostic ToDiagnostic()
        {
            var properties = Suggestion is null
                ? ImmutableDictionary<string, string?>.Empty
                : ImmutableDictionary<string, string?>.Empty.Add(DiagnosticIds.SuggestionProperty, Suggestion);
            var arguments = new object[Arguments.Count];
            for (var i = 0; i < arguments.Length; i++)
            {
                arguments[i] = Arguments[i];
            }

            return Diagnostic.Create(Descriptor, Location?.ToLocation() ?? Microsoft.CodeAnalysis.Location.None, properties, arguments);
        }
    }
}
