using System.Collections.Generic;
using Lora.Generators.Parsing;

namespace Lora.Generators.Settings
{
    /// <summary>
    /// Every setting of every Lora attribute, with the attribute's defaults, valid ranges and sweepability: the one
    /// table that resolution, validation, sweeps and emission read. A test checks it against the attributes.
    /// </summary>
    internal static class SettingCatalog
    {
        private const string Metric = "Lora.Metric";

        private static readonly SettingDefinition[] Definitions = Build();

        /// <summary>Every definition.</summary>
        public static IReadOnlyList<SettingDefinition> All => Definitions;

        /// <summary>The definitions of one attribute, in declaration order.</summary>
        /// <param name="kind">The attribute.</param>
        /// <returns>Its settings.</returns>
        public static IReadOnlyList<SettingDefinition> For(AttributeKind kind)
        {
            var result = new List<SettingDefinition>();
            foreach (var definition in Definitions)
            {
                if (definition.Attribute == kind)
                {
                    result.Add(definition);
                }
            }

            return result;
        }

        /// <summary>The definition of <paramref name="name"/> on <paramref name="kind"/>, or null.</summary>
        /// <param name="kind">The attribute.</param>
        /// <param name="name">The setting.</param>
        /// <returns>The definition or null.</returns>
        public static SettingDefinition? Find(AttributeKind kind, string name)
        {
            foreach (var definition in Definitions)
            {
                if (definition.Attribute == kind && definition.Name == name)
                {
                    return definition;
                }
            }

            return null;
        }

        private static SettingDefinition[] Build()
        {
            var list = new List<SettingDefinition>();
            var adapter = AttributeKind.LoraAdapter;
            list.Add(Int(adapter, "Rank", SettingDefaults.Rank, RangeRule.AtLeast(1), "The rank is the adapter's inner width; 8 to 64 are usual."));
            list.Add(Dbl(adapter, "Alpha", SettingDefaults.Alpha, RangeRule.Above(0), "Alpha scales the update (by alpha/rank); twice the rank is usual."));
            list.Add(Dbl(adapter, "Dropout", 0, RangeRule.HalfOpen(0, 1), "Dropout is a probability; 0 to 0.1 are usual."));
            list.Add(new(adapter, "Targets", SettingType.StringArray, SettingValue.Null, null, false, null, "Name at least one module, or leave Targets out for the model family's default."));
            list.Add(Enum(adapter, "Bias", SettingDefaults.Bias, sweepable: true));
            list.Add(Bool(adapter, "UseRsLora", false, sweepable: true));
            list.Add(Bool(adapter, "UseDora", false, sweepable: true));
            list.Add(Str(adapter, "InitFrom", null));

            var quantize = AttributeKind.Quantize;
            list.Add(Enum(quantize, "Type", SettingDefaults.QuantType, sweepable: true));
            list.Add(Bool(quantize, "DoubleQuant", false, sweepable: true));
            list.Add(Enum(quantize, "ComputeType", SettingDefaults.QuantComputeType, sweepable: true));
            list.Add(Bool(quantize, "Embeddings", false, sweepable: true));

            foreach (var dataset in new[] { AttributeKind.Dataset, AttributeKind.TypedDataset })
            {
                list.Add(Str(dataset, "Path", null));
                if (dataset == AttributeKind.Dataset)
                {
                    list.Add(Enum(dataset, "Format", SettingDefaults.Format, sweepable: false));
                    list.Add(Str(dataset, "TextField", SettingDefaults.TextField));
                }
                else
                {
                    list.Add(Str(dataset, "Prompt", SettingDefaults.Prompt));
                    list.Add(Str(dataset, "Completion", null));
                }

                list.Add(Dbl(dataset, "EvalFraction", 0, RangeRule.HalfOpen(0, 1), "It is the share of rows held out; 0.05 to 0.2 are usual, 0 holds out nothing."));
                list.Add(Bool(dataset, "Shuffle", SettingDefaults.Shuffle, sweepable: true));
                list.Add(Int(dataset, "MaxLength", SettingDefaults.MaxLength, RangeRule.AtLeast(8), "It is the longest row in tokens; 512 to 4096 are usual."));
                list.Add(Str(dataset, "EvalPath", null));
                list.Add(Bool(dataset, "TrainOnInputs", false, sweepable: true));
                list.Add(Bool(dataset, "AddEos", SettingDefaults.AddEos, sweepable: true));
            }

            var training = AttributeKind.Training;
            list.Add(Int(training, "Epochs", SettingDefaults.Epochs, RangeRule.AtLeast(1), "Train for at least one epoch, or use MaxSteps."));
            list.Add(Int(training, "MaxSteps", 0, RangeRule.AtLeast(0), "0 means \"train for Epochs\"."));
            list.Add(Dbl(training, "LearningRate", SettingDefaults.LearningRate, RangeRule.Open(0, 1), "LoRA learning rates are usually 1e-5 to 1e-3, e.g. 2e-4."));
            list.Add(Int(training, "BatchSize", SettingDefaults.BatchSize, RangeRule.AtLeast(1), "Use at least one row per batch; raise GradientAccumulation for larger effective batches."));
            list.Add(Int(training, "EvalBatchSize", SettingDefaults.EvalBatchSize, RangeRule.AtLeast(1), "Use at least one row per batch."));
            list.Add(Int(training, "GradientAccumulation", SettingDefaults.GradientAccumulation, RangeRule.AtLeast(1), "1 means no accumulation."));
            list.Add(Int(training, "WarmupSteps", 0, RangeRule.AtLeast(0), "0 means no warm-up."));
            list.Add(Dbl(training, "WarmupRatio", 0, RangeRule.HalfOpen(0, 1), "It is a share of all steps; 0.03 to 0.1 are usual."));
            list.Add(Enum(training, "Schedule", SettingDefaults.Schedule, sweepable: true));
            list.Add(Dbl(training, "WeightDecay", 0, RangeRule.AtLeast(0), "0 to 0.1 are usual."));
            list.Add(Dbl(training, "MaxGradNorm", SettingDefaults.MaxGradNorm, RangeRule.AtLeast(0), "0 disables clipping; 1 is usual."));
            list.Add(Int(training, "Seed", SettingDefaults.Seed, RangeRule.AtLeast(0), "Use a non-negative seed."));
            list.Add(Bool(training, "GradientCheckpointing", false, sweepable: true));
            list.Add(Enum(training, "Optimizer", SettingDefaults.Optimizer, sweepable: true));
            list.Add(Dbl(training, "Beta1", SettingDefaults.Beta1, RangeRule.HalfOpen(0, 1), "PyTorch's default is 0.9."));
            list.Add(Dbl(training, "Beta2", SettingDefaults.Beta2, RangeRule.HalfOpen(0, 1), "PyTorch's default is 0.999."));
            list.Add(Dbl(training, "Epsilon", SettingDefaults.Epsilon, RangeRule.Above(0), "PyTorch's default is 1e-8."));
            list.Add(Enum(training, "Precision", SettingDefaults.Precision, sweepable: true));
            list.Add(Int(training, "EvalSteps", 0, RangeRule.AtLeast(0), "0 evaluates at the end of each epoch."));
            list.Add(Int(training, "SaveSteps", 0, RangeRule.AtLeast(0), "0 saves at the end of each epoch."));
            list.Add(Int(training, "LoggingSteps", SettingDefaults.LoggingSteps, RangeRule.AtLeast(1), "Report at least every step."));
            list.Add(Int(training, "EarlyStoppingPatience", 0, RangeRule.AtLeast(0), "0 disables early stopping."));
            list.Add(Bool(training, "LoadBestModelAtEnd", false, sweepable: true));

            var evaluate = AttributeKind.Evaluate;
            list.Add(new(evaluate, "Metrics", SettingType.EnumArray, SettingValue.Array(Common.EquatableArray<SettingValue>.Empty), null, false, Metric, "List at least one metric, e.g. [Evaluate(Metric.Perplexity)]."));
            list.Add(Int(evaluate, "MaxNewTokens", SettingDefaults.MaxNewTokens, RangeRule.AtLeast(1), "Generate at least one token per row."));
            list.Add(Str(evaluate, "ChoicesPath", null));

            var expect = AttributeKind.Expect;
            list.Add(new(expect, "Metric", SettingType.Enum, SettingValue.Enum(Metric, "Perplexity", 0), null, false, Metric, ""));
            list.Add(Dbl(expect, "AtLeast", double.NaN, null, ""));
            list.Add(Dbl(expect, "AtMost", double.NaN, null, ""));

            var merge = AttributeKind.Merge;
            list.Add(Enum(merge, "DType", SettingDefaults.MergeDType, sweepable: true));
            list.Add(Bool(merge, "SafeMerge", SettingDefaults.SafeMerge, sweepable: false));

            list.Add(Enum(AttributeKind.Export, "Gguf", SettingDefaults.GgufType, sweepable: true));

            list.Add(Str(AttributeKind.Experiment, "Name", null));
            list.Add(Str(AttributeKind.Experiment, "Description", null));
            list.Add(Str(AttributeKind.BaseModel, "Source", null));
            list.Add(Str(AttributeKind.BaseModel, "Revision", SettingDefaults.Revision));
            return list.ToArray();
        }

        private static SettingDefinition Int(AttributeKind kind, string name, int value, RangeRule range, string hint) =>
            new(kind, name, SettingType.Int, SettingValue.Int(value), range, Sweepable(kind), null, hint);

        private static SettingDefinition Dbl(AttributeKind kind, string name, double value, RangeRule? range, string hint) =>
            new(kind, name, SettingType.Double, SettingValue.Double(value), range, range is not null && Sweepable(kind), null, hint);

        private static SettingDefinition Bool(AttributeKind kind, string name, bool value, bool sweepable) =>
            new(kind, name, SettingType.Bool, SettingValue.Bool(value), null, sweepable, null, "");

        private static SettingDefinition Str(AttributeKind kind, string name, string? value) =>
            new(kind, name, SettingType.String, SettingValue.String(value), null, false, null, "");

        private static SettingDefinition Enum<TEnum>(AttributeKind kind, string name, TEnum value, bool sweepable)
            where TEnum : struct, System.Enum
        {
            var enumType = typeof(TEnum).FullName!;
            return new(kind, name, SettingType.Enum, SettingValue.Enum(enumType, value.ToString(), System.Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)), null, sweepable, enumType, "");
        }

        private static bool Sweepable(AttributeKind kind) => kind is not (AttributeKind.Evaluate or AttributeKind.Expect);
    }
}
