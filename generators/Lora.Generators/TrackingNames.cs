namespace Lora.Generators
{
    /// <summary>Names of the pipeline steps, for <c>WithTrackingName</c> and incrementality tests.</summary>
    internal static class TrackingNames
    {
        public const string ExperimentSpecs = nameof(ExperimentSpecs);
        public const string BuildOptions = nameof(BuildOptions);
        public const string ReferencedPaths = nameof(ReferencedPaths);
        public const string ProjectFile = nameof(ProjectFile);
        public const string ProjectFiles = nameof(ProjectFiles);
        public const string ChatTemplates = nameof(ChatTemplates);
        public const string ResolvedExperiments = nameof(ResolvedExperiments);
        public const string ExperimentModels = nameof(ExperimentModels);
        public const string ExperimentLocations = nameof(ExperimentLocations);
        public const string ExperimentDiagnostics = nameof(ExperimentDiagnostics);
        public const string RegistryEntries = nameof(RegistryEntries);
        public const string DuplicateNames = nameof(DuplicateNames);
        public const string ChatClientRuntime = nameof(ChatClientRuntime);
    }
}
