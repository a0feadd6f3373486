using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Lora.Generators.Common;
using Lora.Generators.Diagnostics;

namespace Lora.Generators.Resolving
{
    /// <summary>Reports experiment names used by more than one type in the project (LORA0003).</summary>
    internal static class DuplicateNameValidator
    {
        /// <summary>Checks all experiments together.</summary>
        /// <param name="identities">Every experiment's name and location.</param>
        /// <returns>One diagnostic per repeated occurrence.</returns>
        public static EquatableArray<DiagnosticInfo> Validate(ImmutableArray<ExperimentIdentity?> identities)
        {
            var diagnostics = new List<DiagnosticInfo>();
            foreach (var group in identities.Where(i => i is not null).GroupBy(i => i!.Name).Where(g => g.Count() > 1))
            {
                var members = group.ToList();
                foreach (var identity in members)
                {
                    var other = members.First(m => !ReferenceEquals(m, identity))!;
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateExperimentName, identity!.Location, identity.Name, other.FullTypeName));
                }
            }

            return diagnostics.ToEquatableArray();
        }
    }
}
