using Lora.Generators.Model;

namespace Lora.Generators.Emitting
{
    /// <summary>
    /// Writes the typed pipeline methods; Merge and Evaluate exist only when the experiment declares them, CreateChatClient only
    /// when the compilation has the runtime's chat client.
    /// </summary>
    internal static class PipelineEmitter
    {
        private const string Runner = "global::Lora.IExperimentRunner";
        private const string Token = "global::System.Threading.CancellationToken";
        private const string Progress = "global::System.IProgress<global::Lora.TrainingProgress>?";
        private const string Pipeline = "global::Lora.ExperimentPipeline";
        private const string ChatClient = "global::Lora.Runtime.Chat.LoraChatClient";

        /// <summary>The runtime's chat client, whose presence in the compilation turns on <c>CreateChatClient</c>.</summary>
        public const string ChatClientMetadataName = "Lora.Runtime.Chat.LoraChatClient";

        /// <summary>Writes Train, Merge, Evaluate, Run and CreateChatClient.</summary>
        /// <param name="w">The writer.</param>
        /// <param name="model">The experiment.</param>
        /// <param name="chatClient">Whether to write CreateChatClient.</param>
        public static void Write(SourceWriter w, ExperimentModel model, bool chatClient)
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
            if (chatClient)
            {
                WriteChatClient(w, model);
            }
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

        private static void WriteChatClient(SourceWriter w, ExperimentModel model)
        {
            var trained = model.Merge is null
                ? "its adapter over the base model"
                : "its merged model when the merge is current, else its adapter over the base model";
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// A chat client (Microsoft.Extensions.AI's <c>IChatClient</c>) over the trained model of <see cref=\"Config\"/>, or of one of");
            w.Line("/// <see cref=\"Variants\"/>: " + trained + ", answering as the configuration's");
            w.Line("/// <see cref=\"global::Lora.ExperimentConfig.FullName\"/>. Throws <see cref=\"global::System.InvalidOperationException\"/> when it has not been");
            w.Line(model.Variants.Count > 0
                ? "/// trained yet: under [Sweep] the variants are trained, not <see cref=\"Config\"/>, so pass one of them."
                : "/// trained yet.");
            w.Line("/// </summary>");
            w.Line("/// <param name=\"variant\">A configuration from <see cref=\"Variants\"/>; null uses <see cref=\"Config\"/>.</param>");
            w.Line("/// <param name=\"options\">Device, compute type and model ids; null for the defaults.</param>");
            w.Line("/// <param name=\"artifactsRoot\">The artifacts folder; null for artifacts/lora in the project folder (pass it when the project sets LoraArtifactsDir).</param>");
            w.Line("/// <returns>The client, which holds the model until it is disposed.</returns>");
            w.Line("public static " + ChatClient + " CreateChatClient(").Indent();
            w.Line("global::Lora.ExperimentConfig? variant = null,");
            w.Line("global::Lora.Runtime.Chat.LoraChatClientOptions? options = null,");
            w.Line("string? artifactsRoot = null)");
            w.Outdent().Open();
            w.Line("var config = variant is null ? Config : " + Pipeline + ".EnsureBelongsTo(variant, ExperimentName, nameof(variant));");
            w.Line("return " + ChatClient + ".ForExperiment(config, options, artifactsRoot);");
            w.Close();
        }
    }
}
