using System;

namespace Lora
{
    /// <summary>
    /// Put on an assembly by the generator: names the type (an <see cref="IExperimentRegistry"/> with a public
    /// parameterless constructor) that lists every experiment of the assembly, so tools find them without scanning types.
    /// </summary>
    [AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false, Inherited = false)]
    public sealed class ExperimentRegistryAttribute : Attribute
    {
        /// <summary>Names the registry type.</summary>
        /// <param name="registryType">The generated registry.</param>
        public ExperimentRegistryAttribute(Type registryType)
        {
            RegistryType = registryType;
        }

        /// <summary>The generated registry.</summary>
        public Type RegistryType { get; }
    }
}
