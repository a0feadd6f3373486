using System.Collections.Generic;
using System.Linq;
using Lora.Generators.Diagnostics;
using Lora.Generators.Parsing;

namespace Lora.Generators.Resolving
{
    /// <summary>
    /// Settings written where the runtime never reads them (LORA0016), reported at the argument: a value the build accepts
    /// takes effect, so one that cannot (TextField for Alpaca rows, patience without eval rows) is an error, not a silent drop.
    /// </summary>
    internal static class EffectValidator
    {
        /// <summary>Generative metrics: the only ones that generate, so the only ones MaxNewTokens reaches.</summary>
        private static readonly string[] GenerativeMetrics = { "Accuracy", "ExactMatch", "MacroF1", "RougeL" };

        /// <summary>The LoRA settings an InitFrom adapter brings from its own adapter_config.json.</summary>
        private static readonly string[] AdapterFileSettings = { "Rank", "Alpha", "Dropout", "Targets", "Bias", "UseRsLora", "UseDora" };

        /// <summary>Reports each written setting that cannot take effect.</summary>
        /// <param name="context">The resolution context.</param>
        /// <param name="settings">The resolved settings.</param>
        public static void Validate(ResolutionContext context, ResolvedSettings settings)
        {
            var dataset = settings.DatasetKind;
            var format = dataset == AttributeKind.Dataset ? settings.Get(dataset, "Format").Text : "Jsonl";
            var prompted = dataset == AttributeKind.TypedDataset || format is "Alpaca" or "Chat";
            if (format != "Jsonl")
            {
                Report(context, settings, dataset, "TextField", $"only Format = DatasetFormat.Jsonl reads a text field; {format} rows have fields of their own");
            }

            if (!prompted)
            {
                Report(context, settings, dataset, "TrainOnInputs", $"{format} rows have no prompt, so every token trains already");
            }

            if (format == "TokenIds")
            {
                Report(context, settings, dataset, "AddEos", "token-id rows are used as written (put the end-of-sequence id in the rows)");
            }
            else if (format == "Chat")
            {
                Report(context, settings, dataset, "AddEos", "chat rows end each turn as the model's chat template writes it (its end-of-turn token carries the loss)");
            }

            var evalPath = settings.Get(dataset, "EvalPath").Text;
            if (evalPath is not null)
            {
                Report(context, settings, dataset, "EvalFraction", $"EvalPath \"{evalPath}\" holds the eval rows, so none are held out of the training file");
            }
            else if (settings.Get(dataset, "EvalFraction").AsDouble <= 0)
            {
                const string noEvalRows = "there are no eval rows; hold some out with EvalFraction (e.g. 0.1) or name a file with EvalPath";
                Report(context, settings, AttributeKind.Training, "EvalSteps", noEvalRows);
                Report(context, settings, AttributeKind.Training, "EarlyStoppingPatience", noEvalRows);
                Report(context, settings, AttributeKind.Training, "LoadBestModelAtEnd", noEvalRows);
            }

            if (settings.Has(AttributeKind.Quantize))
            {
                Report(context, settings, AttributeKind.Training, "Precision",
                    "a 4-bit base computes in [Quantize(ComputeType = ...)], which sets the activations' type too; set it there");
            }

            if (settings.Has(AttributeKind.Evaluate)
                && !settings.Get(AttributeKind.Evaluate, "Metrics").Elements.Any(m => GenerativeMetrics.Contains(m.Text)))
            {
                Report(context, settings, AttributeKind.Evaluate, "MaxNewTokens",
                    "no metric generates text; it applies to " + string.Join(", ", GenerativeMetrics.Select(m => "Metric." + m)));
            }

            if (settings.Has(AttributeKind.Evaluate)
                && !settings.Get(AttributeKind.Evaluate, "Metrics").Elements.Any(m => m.Text is "ChoiceAccuracy" or "ChoiceAccuracyNorm"))
            {
                Report(context, settings, AttributeKind.Evaluate, "ChoicesPath", "no metric scores multiple-choice questions; they are scored by Metric.ChoiceAccuracy and Metric.ChoiceAccuracyNorm");
            }

            if (settings.Get(AttributeKind.LoraAdapter, "InitFrom").Text is { } init)
            {
                foreach (var name in AdapterFileSettings)
                {
                    Report(context, settings, AttributeKind.LoraAdapter, name, $"InitFrom \"{init}\" loads an adapter with its own {name} (its adapter_config.json)");
                }
            }
        }

        private static void Report(ResolutionContext context, ResolvedSettings settings, AttributeKind kind, string name, string why)
        {
            if (settings.Argument(kind, name) is { } argument)
            {
                context.Report(DiagnosticDescriptors.SettingWithoutEffect, argument.Location, name + " = " + argument.Value.Display(), why);
            }
        }
    }
}
