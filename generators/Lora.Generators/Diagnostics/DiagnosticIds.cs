namespace Lora.Generators.Diagnostics
{
    /// <summary>
    /// Every stable diagnostic ID. IDs are never reused or renumbered; a retired rule keeps its number.
    /// Shared with the code-fix assembly as a linked file.
    /// </summary>
    internal static class DiagnosticIds
    {
        public const string ExperimentNotPartial = "LORA0001";
        public const string InvalidExperimentDeclaration = "LORA0002";
        public const string DuplicateExperimentName = "LORA0003";
        public const string InvalidExperimentName = "LORA0004";
        public const string MissingBaseModel = "LORA0005";
        public const string MissingDataset = "LORA0006";
        public const string MultipleDatasets = "LORA0007";

        public const string ValueOutOfRange = "LORA0010";
        public const string WarmupConflict = "LORA0011";
        public const string EpochsAndMaxSteps = "LORA0012";
        public const string ExpectationWithoutBound = "LORA0013";
        public const string ExpectationNotEvaluated = "LORA0014";
        public const string SettingNotSupported = "LORA0015";
        public const string SettingWithoutEffect = "LORA0016";

        public const string UnknownSweepSetting = "LORA0030";
        public const string SweepValueType = "LORA0031";
        public const string SweepRepeatedValue = "LORA0032";
        public const string SweepNeedsAttribute = "LORA0033";
        public const string SweepWithoutValues = "LORA0034";
        public const string SettingSweptTwice = "LORA0035";

        public const string BaseModelConfigNotFound = "LORA0040";
        public const string BaseModelConfigInvalid = "LORA0041";
        public const string UnsupportedModelType = "LORA0042";
        public const string UnknownTargetModule = "LORA0043";
        public const string RankAboveModuleWidth = "LORA0044";
        public const string UnknownBuiltInModel = "LORA0045";
        public const string MaxLengthAboveContext = "LORA0046";
        public const string EmbeddingsNotWholeBlocks = "LORA0047";
        public const string BaseModelNotInHubCache = "LORA0048";
        public const string InvalidRevision = "LORA0049";

        public const string DatasetNotFound = "LORA0050";
        public const string DatasetLineInvalid = "LORA0051";
        public const string DatasetFieldMissing = "LORA0052";
        public const string UnknownPlaceholder = "LORA0053";
        public const string InvalidTemplate = "LORA0054";
        public const string DatasetEmpty = "LORA0055";
        public const string UnsupportedModelSetting = "LORA0056";

        public const string MemoryOverBudget = "LORA0060";
        public const string InvalidMemoryBudget = "LORA0061";

        public const string ChatDatasetWithoutTemplate = "LORA0070";
        public const string ChatTemplateInvalid = "LORA0071";
        public const string ChatTemplateFailsOnRow = "LORA0072";

        public const string ChoiceMetricWithoutChoices = "LORA0085";
        // LORA008x: exports of the trained model
        public const string ExportWithoutMerge = "LORA0080";

        /// <summary>The <see cref="Microsoft.CodeAnalysis.Diagnostic.Properties"/> key holding a suggested replacement.</summary>
        public const string SuggestionProperty = "Suggestion";
    }
}
