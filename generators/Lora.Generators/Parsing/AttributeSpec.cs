using Lora.Generators.Common;
using Lora.Generators.Diagnostics;

namespace Lora.Generators.Parsing
{
    /// <summary>One Lora attribute applied to an experiment record, with the arguments written in source.</summary>
    /// <param name="Kind">Which attribute.</param>
    /// <param name="Location">The attribute (name and argument list, without brackets).</param>
    /// <param name="Arguments">The arguments present in source; settings left out take their defaults later.</param>
    internal sealed record AttributeSpec(
        AttributeKind Kind,
        LocationInfo Location,
        EquatableArray<ArgumentSpec> Arguments)
    {
        /// <summary>The argument setting <paramref name="name"/>, or null when it was not written.</summary>
        /// <param name="name">The setting's name.</param>
        /// <returns>The argument or null.</returns>
        public ArgumentSpec? Find(string name)
        {
            foreach (var argument in Arguments)
            {
                if (argument.Name == name)
                {
                    return argument;
                }
            }

            return null;
        }
    }
}
