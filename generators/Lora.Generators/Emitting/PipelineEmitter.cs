using Lora.Generators.Model;

namespace Lora.Generators.Emitting
{
    /// <summary>Writes the typed pipeline methods; Merge and Evaluate exist only when the experiment declares them.</summary>
    internal static class PipelineEmitter
    {
        private const string Runner = "global::Lora.IExperimentRunner";
        private const string Token = "global::System.Threading.CancellationToken";
        private const string Progress = "global::System.IProgress<global::Lora.TrainingProgress>?";
        private const string Pipeline = "global::Lora.ExperimentPipeline";

        /// <summary>Writes Train, Merge, Evaluate and Run.</summary>
        /// <param name="w">The writer.</param>
        /// <param name="model">The experiment.</param>
        public static void Write(SourceWriter w, ExperimentModel model)
        {
            WriteTrain(w);
            if (model.Merge is not null)
            {
                WriteAfterTraining(w, "Merge", "MergeResult", "MergeAsync", "Merges a trained adapter into its base model (dequantizing a quantized base first) and saves the result.", "Where the merged model was saved.");
            }

            if (model.Evaluation is not null)
            {
                WriteAfterTraining(w, "Evaluate", "EvaluationResult", "EvaluateAsync", "Computes the configured metrics of a trained adapter on the held-out rows.", "One value per metric.");
            }

            WriteRun(w);
        }

        private static void WriteTrain(SourceWriter w)
        {
            w.Line("/// <summary>Trains the adapter of <see cref=\"Config\"/>, or of one of <see cref=\"Variants\"/>.</summary>");
            w.Line("/// <param name=\"runner\">The runtime that trains.</param>");
            w.Line("/// <param name=\"progress\">Receives progress reports; may be null.</param>");
            w.Line("/// <param name=\"cancellationToken\">Stops training after the current step.</param>");
            w.Line("/// <param name=\"variant\">A configuration from <see cref=\"Variants\"/>; null trains <see cref=\"Config\"/>.</param>");
            w.Line("/// <returns>Where the adapter was saved and how training ended.</returns>");
            w.Line("public static global::System.Threading.Tasks.Task<global::Lora.TrainResult> Train(").Indent();
            w.Line(Runner + " runner,");
            w.Line(Progress + " progress = null,");
            w.Line(Token + " cancellationToken = default,");
            w.Line("global::Lora.ExperimentConfig? variant = null)");
            w.Outdent().Open();
            w.Line("if (runner is null)").Open();
            w.Line("throw new global::System.ArgumentNullException(nameof(runner));");
            w.Close();
            w.Line();
            w.Line("var config = variant is null ? Config : " + Pipeline + ".EnsureBelongsTo(variant, ExperimentName, nameof(variant));");
            w.Line("return runner.TrainAsync(config, progress, cancellationToken);");
            w.Close();
            w.Line();
        }

        private static void WriteAfterTraining(SourceWriter w, string method, string result, string runnerMethod, string summary, string returns)
        {
            w.Line("/// <summary>" + summary + "</summary>");
            w.Line("/// <param name=\"runner\">The runtime.</param>");
            w.Line("/// <param name=\"training\">The result of <see cref=\"Train\"/>; its configuration is used.</param>");
            w.Line("/// <param name=\"cancellationToken\">Cancels the work.</param>");
            w.Line("/// <returns>" + returns + "</returns>");
            w.Line("public static global::System.Threading.Tasks.Task<global::Lora." + result + "> " + method + "(").Indent();
            w.Line(Runner + " runner,");
            w.Line("global::Lora.TrainResult training,");
            w.Line(Token + " cancellationToken = default)");
            w.Outdent().Open();
            w.Line("if (runner is null)").Open();
            w.Line("throw new global::System.ArgumentNullException(nameof(runner));");
            w.Close();
            w.Line();
            w.Line("if (training is null)").Open();
            w.Line("throw new global::System.ArgumentNullException(nameof(training));");
            w.Close();
            w.Line();
            w.Line("var config = " + Pipeline + ".EnsureBelongsTo(training.Config, ExperimentName, nameof(training));");
            w.Line("return runner." + runnerMethod + "(config, training, cancellationToken);");
            w.Close();
            w.Line();
        }

        private static void WriteRun(SourceWriter w)
        {
            w.Line("/// <summary>Trains every configuration in <see cref=\"Variants.All\"/>, then merges, evaluates and checks expectations as the attributes declare.</summary>");
            w.Line("/// <param name=\"runner\">The runtime.</param>");
            w.Line("/// <param name=\"progress\">Receives training progress; may be null.</param>");
            w.Line("/// <param name=\"cancellationToken\">Cancels the remaining work.</param>");
            w.Line("/// <returns>One result per configuration.</returns>");
            w.Line("public static global::System.Threading.Tasks.Task<global::System.Collections.Generic.IReadOnlyList<global::Lora.ExperimentRunResult>> Run(").Indent();
            w.Line(Runner + " runner,");
            w.Line(Progress + " progress = null,");
            w.Line(Token + " cancellationToken = default) =>");
            w.Line(Pipeline + ".RunAsync(Variants.All, runner, progress, cancellationToken);");
            w.Outdent();
        }
    }
}
