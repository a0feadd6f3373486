using Microsoft.CodeAnalysis;

namespace Lora.Generators.Diagnostics
{
    /// <summary>
    /// Every diagnostic the generator reports. Messages say what was found, what was expected and what to do;
    /// each is reported on the attribute argument at fault. AnalyzerReleases.Unshipped.md lists them.
    /// </summary>
    internal static class DiagnosticDescriptors
    {
        private const string Declaration = "Lora.Declaration";
        private const string Settings = "Lora.Settings";
        private const string Sweep = "Lora.Sweep";
        private const string BaseModel = "Lora.BaseModel";
        private const string Dataset = "Lora.Dataset";
        private const string Memory = "Lora.Memory";
        private const string ChatTemplate = "Lora.ChatTemplate";

        public static readonly DiagnosticDescriptor ExperimentNotPartial = Error(
            DiagnosticIds.ExperimentNotPartial, Declaration,
            "Experiment type is not partial",
            "'{0}' is not partial; the generator adds the experiment's Config and pipeline to it, which needs 'partial {1} {0}'. Add the 'partial' modifier.");

        public static readonly DiagnosticDescriptor InvalidExperimentDeclaration = Error(
            DiagnosticIds.InvalidExperimentDeclaration, Declaration,
            "[Experiment] is on a type that cannot hold an experiment",
            "[Experiment] is on {0}; expected a non-generic partial record that is public or internal, not nested in a generic or private type. {1}");

        public static readonly DiagnosticDescriptor DuplicateExperimentName = Error(
            DiagnosticIds.DuplicateExperimentName, Declaration,
            "Experiment name is used twice",
            "Experiment name '{0}' is also used by '{1}'; each experiment names its own artifacts, so names must be unique in a project. Rename one of them.");

        public static readonly DiagnosticDescriptor InvalidExperimentName = Error(
            DiagnosticIds.InvalidExperimentName, Declaration,
            "Experiment name is not a valid artifact name",
            "Experiment name '{0}' {1}; expected lower-case letters, digits, '-', '_' or '.', starting with a letter or digit (it becomes a folder name), e.g. '{2}'.");

        public static readonly DiagnosticDescriptor MissingBaseModel = Error(
            DiagnosticIds.MissingBaseModel, Declaration,
            "Experiment has no [BaseModel]",
            "Experiment '{0}' has no [BaseModel]; expected one naming the model to adapt. Add [BaseModel(\"models/<folder>\")] or a built-in model such as [BaseModel(\"{1}\")].");

        public static readonly DiagnosticDescriptor MissingDataset = Error(
            DiagnosticIds.MissingDataset, Declaration,
            "Experiment has no [Dataset]",
            "Experiment '{0}' has no [Dataset] or [Dataset<TRow>]; expected one naming the training file. Add e.g. [Dataset(\"data/train.jsonl\", Format = DatasetFormat.Alpaca)].");

        public static readonly DiagnosticDescriptor MultipleDatasets = Error(
            DiagnosticIds.MultipleDatasets, Declaration,
            "Experiment has more than one dataset attribute",
            "Experiment '{0}' has both [Dataset] and [Dataset<{1}>]; expected exactly one training set. Remove one of them (EvalPath names a separate evaluation file).");

        public static readonly DiagnosticDescriptor SettingNotSupported = Error(
            DiagnosticIds.SettingNotSupported, Settings,
            "Setting not supported yet",
            "{0} is not supported yet: {1}");

        public static readonly DiagnosticDescriptor SettingWithoutEffect = Error(
            DiagnosticIds.SettingWithoutEffect, Settings,
            "Setting has no effect",
            "{0} has no effect: {1}; remove the argument");

        public static readonly DiagnosticDescriptor ValueOutOfRange = Error(
            DiagnosticIds.ValueOutOfRange, Settings,
            "Setting is out of range",
            "{0} is {1}; expected {2}. {3}");

        public static readonly DiagnosticDescriptor WarmupConflict = Error(
            DiagnosticIds.WarmupConflict, Settings,
            "Warm-up given twice",
            "[Training] sets both WarmupSteps = {0} and WarmupRatio = {1}; expected one way to give the warm-up. Remove one of them.");

        public static readonly DiagnosticDescriptor EpochsAndMaxSteps = Error(
            DiagnosticIds.EpochsAndMaxSteps, Settings,
            "Epochs and MaxSteps both set",
            "[Training] sets both Epochs = {0} and MaxSteps = {1}; MaxSteps would silently override Epochs. Remove Epochs to train for {1} steps, or MaxSteps to train for {0} epochs.");

        public static readonly DiagnosticDescriptor ExpectationWithoutBound = Error(
            DiagnosticIds.ExpectationWithoutBound, Settings,
            "Expectation has no bound",
            "[Expect(Metric.{0})] gives neither AtLeast nor AtMost; expected at least one bound. Add e.g. AtLeast = 0.9.");

        public static readonly DiagnosticDescriptor ExpectationNotEvaluated = Error(
            DiagnosticIds.ExpectationNotEvaluated, Settings,
            "Expectation on a metric that is not evaluated",
            "[Expect(Metric.{0})] checks a metric that the experiment does not evaluate (it evaluates {1}); add Metric.{0} to [Evaluate].");

        public static readonly DiagnosticDescriptor ExportWithoutMerge = Error(
            DiagnosticIds.ExportWithoutMerge, Settings,
            "Export without a merge",
            "[Export] writes the merged model as GGUF, and the experiment has no [Merge]; add [Merge] (its DType sets the merged folder's weights, Gguf the GGUF's).");

        public static readonly DiagnosticDescriptor UnknownSweepSetting = Error(
            DiagnosticIds.UnknownSweepSetting, Sweep,
            "Sweep over a setting that does not exist",
            "[Sweep] names '{0}'{1}, which is not a setting that can be swept; expected one of {2}.");

        public static readonly DiagnosticDescriptor SweepValueType = Error(
            DiagnosticIds.SweepValueType, Sweep,
            "Sweep value has the wrong type",
            "[Sweep(\"{0}\")] value {1} is {2}; expected {3}, the setting's type. Write the value as {3}.");

        public static readonly DiagnosticDescriptor SweepRepeatedValue = Error(
            DiagnosticIds.SweepRepeatedValue, Sweep,
            "Sweep repeats a value",
            "[Sweep(\"{0}\")] lists {1} more than once; each value makes a variant named after it. Remove the repeated value.");

        public static readonly DiagnosticDescriptor SweepNeedsAttribute = Error(
            DiagnosticIds.SweepNeedsAttribute, Sweep,
            "Sweep over a setting of a missing attribute",
            "[Sweep(\"{0}\")] sweeps a setting of [{1}], which the experiment does not have; add [{1}] or remove the sweep.");

        public static readonly DiagnosticDescriptor SweepWithoutValues = Error(
            DiagnosticIds.SweepWithoutValues, Sweep,
            "Sweep lists no values",
            "[Sweep(\"{0}\")] lists no values; expected at least one value after the setting name. Add the values to try.");

        public static readonly DiagnosticDescriptor SettingSweptTwice = Error(
            DiagnosticIds.SettingSweptTwice, Sweep,
            "Setting swept twice",
            "'{0}' is swept by more than one [Sweep]; expected each setting in one sweep. Merge the values into one [Sweep].");

        public static readonly DiagnosticDescriptor BaseModelConfigNotFound = Error(
            DiagnosticIds.BaseModelConfigNotFound, BaseModel,
            "Base model config.json not found",
            "Base model '{0}' has no config.json among the project's AdditionalFiles (looked for '{1}'); expected a Hugging Face model folder. Check the path, or add the file with <AdditionalFiles Include=\"...\" />.");

        public static readonly DiagnosticDescriptor BaseModelConfigInvalid = Error(
            DiagnosticIds.BaseModelConfigInvalid, BaseModel,
            "Base model config.json cannot be read",
            "'{0}' cannot be used: {1}. Expected a Hugging Face config.json with model_type and the model's sizes.");

        public static readonly DiagnosticDescriptor UnsupportedModelSetting = Error(
            DiagnosticIds.UnsupportedModelSetting, BaseModel,
            "Base model config.json uses a setting Lora does not implement",
            "'{0}' cannot be used: {1}. Lora refuses a model setting it would otherwise drop; use a model without it.");

        public static readonly DiagnosticDescriptor UnsupportedModelType = Error(
            DiagnosticIds.UnsupportedModelType, BaseModel,
            "Unsupported model type",
            "'{0}' declares model_type '{1}'; expected one of {2}. Use a model of a supported family.");

        public static readonly DiagnosticDescriptor UnknownTargetModule = Error(
            DiagnosticIds.UnknownTargetModule, BaseModel,
            "Target module does not exist in the model",
            "Target module '{0}'{3} does not exist in {1} models ({2}); expected one of {4}.");

        public static readonly DiagnosticDescriptor RankAboveModuleWidth = Error(
            DiagnosticIds.RankAboveModuleWidth, BaseModel,
            "Rank above a targeted module's width",
            "Rank {0} exceeds {1}, the smaller width of targeted module '{2}' ({3} → {4}); a rank above min(in, out) adds weights without adding capacity. Use a rank of at most {1}.");

        public static readonly DiagnosticDescriptor UnknownBuiltInModel = Error(
            DiagnosticIds.UnknownBuiltInModel, BaseModel,
            "Unknown built-in model",
            "Base model '{0}' is neither a built-in model ({1}) nor a model folder; expected a built-in name or a folder path such as 'models/{0}'.");

        public static readonly DiagnosticDescriptor MaxLengthAboveContext = Warning(
            DiagnosticIds.MaxLengthAboveContext, BaseModel,
            "MaxLength above the model's context",
            "MaxLength {0} exceeds the {1} positions '{2}' was built for; longer rows degrade or fail. Use MaxLength of at most {1}.");

        public static readonly DiagnosticDescriptor EmbeddingsNotWholeBlocks = Error(
            DiagnosticIds.EmbeddingsNotWholeBlocks, BaseModel,
            "4-bit embeddings need rows of whole blocks",
            "Embeddings = true stores each embedding row as 4-bit blocks of {0} values, but '{1}' has hidden_size {2}, not a multiple of {0}. Leave Embeddings out (the tables stay in the compute type) or use a model whose hidden size is a multiple of {0}.");

        public static readonly DiagnosticDescriptor BaseModelNotInHubCache = Error(
            DiagnosticIds.BaseModelNotInHubCache, BaseModel,
            "Base model is neither a project folder nor in the Hugging Face cache",
            "Base model '{0}' is neither a folder of the project (no '{1}') nor a model in the Hugging Face cache at revision '{2}'. Download it with `{3}` (a build that is not offline pulls it before compiling), or correct the path.");

        public static readonly DiagnosticDescriptor InvalidRevision = Error(
            DiagnosticIds.InvalidRevision, BaseModel,
            "Revision cannot name a branch, tag or commit",
            "Revision \"{0}\" cannot be used: {1}.");

        public static readonly DiagnosticDescriptor DatasetNotFound = Error(
            DiagnosticIds.DatasetNotFound, Dataset,
            "Dataset file not found",
            "Dataset file '{0}' is not among the project's AdditionalFiles (looked for '{1}'); check the path, or add the file with <AdditionalFiles Include=\"...\" />.");

        public static readonly DiagnosticDescriptor DatasetLineInvalid = Error(
            DiagnosticIds.DatasetLineInvalid, Dataset,
            "Dataset line is not a JSON object",
            "Line {0} of '{1}' is not a JSON object: {2} (column {3}); expected one JSON object per line (JSONL). Fix the line.");

        public static readonly DiagnosticDescriptor DatasetFieldMissing = Error(
            DiagnosticIds.DatasetFieldMissing, Dataset,
            "Dataset line lacks a needed field",
            "Line {0} of '{1}' has no field '{2}' ({3}), which {4} needs; found {5}. Add the field to the data, or change {6}.");

        public static readonly DiagnosticDescriptor UnknownPlaceholder = Error(
            DiagnosticIds.UnknownPlaceholder, Dataset,
            "Template placeholder is not a property of the row type",
            "Placeholder '{{{0}}}'{3} in {1} is not a property of {2}; expected one of {4}.");

        public static readonly DiagnosticDescriptor InvalidTemplate = Error(
            DiagnosticIds.InvalidTemplate, Dataset,
            "Template cannot be used",
            "{0} of [Dataset<{1}>] {2}; expected {3}.");

        public static readonly DiagnosticDescriptor DatasetEmpty = Error(
            DiagnosticIds.DatasetEmpty, Dataset,
            "Dataset file is empty",
            "Dataset file '{0}' has no rows; expected at least one JSON object per line.");

        public static readonly DiagnosticDescriptor MemoryOverBudget = Warning(
            DiagnosticIds.MemoryOverBudget, Memory,
            "Estimated memory above budget",
            "'{0}' needs about {1}, above LoraMemoryBudget {2}; reduce BatchSize or MaxLength, set GradientCheckpointing = true, or add [Quantize(QuantType.NF4)].");

        public static readonly DiagnosticDescriptor InvalidMemoryBudget = Warning(
            DiagnosticIds.InvalidMemoryBudget, Memory,
            "LoraMemoryBudget is not a size",
            "LoraMemoryBudget '{0}' is not a size; expected a number with a unit such as 8GB, 24GiB or 512MB. Fix the property in the project file.");

        public static readonly DiagnosticDescriptor ChatDatasetWithoutTemplate = Warning(
            DiagnosticIds.ChatDatasetWithoutTemplate, ChatTemplate,
            "Chat dataset on a model without a chat template",
            "Format = DatasetFormat.Chat, but {0} has no chat template ({1}); the runtime renders the conversations with the default ChatML template ('<|im_start|>' role, content, '<|im_end|>' per message), which this model was not trained on. Use an instruct model's folder, or add the chat_template.jinja the model should learn to its folder.");

        public static readonly DiagnosticDescriptor ChatTemplateInvalid = Error(
            DiagnosticIds.ChatTemplateInvalid, ChatTemplate,
            "Chat template cannot be used",
            "The chat template of {0} cannot be used: {1}; the runtime refuses it when it loads the model for the Chat dataset. Fix the template (docs/chat-templates.md lists the Jinja it supports), or use another model.");

        public static readonly DiagnosticDescriptor ChatTemplateFailsOnRow = Error(
            DiagnosticIds.ChatTemplateFailsOnRow, ChatTemplate,
            "Chat template fails on a dataset row",
            "Line {0} of '{1}': the chat template of {2} {3}: {4}; the runtime stops at this row. {5}");

        public static readonly DiagnosticDescriptor ChoiceMetricWithoutChoices = Error(
            DiagnosticIds.ChoiceMetricWithoutChoices, Settings,
            "Multiple-choice metric without questions",
            "Metric.{0} scores multiple-choice questions, and [Evaluate] names none; set ChoicesPath to a JSONL file of MultipleChoiceRow lines ({{\"question\": \"...\", \"choices\": [\"...\", \"...\"], \"answer\": 0}}).");

        private static DiagnosticDescriptor Error(string id, string category, string title, string message) =>
            new(id, title, message, category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: DiagnosticHelp.Link(id));

        private static DiagnosticDescriptor Warning(string id, string category, string title, string message) =>
            new(id, title, message, category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: DiagnosticHelp.Link(id));
    }
}
