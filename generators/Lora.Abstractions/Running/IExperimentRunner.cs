using System;
using System.Threading;
using System.Threading.Tasks;

namespace Lora
{
    /// <summary>
    /// What the generated pipelines call: trains, merges and evaluates one resolved configuration.
    /// The Lora runtime implements it; tests implement it with fakes.
    /// </summary>
    public interface IExperimentRunner
    {
        /// <summary>Trains an adapter for <paramref name="config"/>, resuming from its last checkpoint when one exists.</summary>
        /// <param name="config">The resolved configuration of one experiment or variant.</param>
        /// <param name="progress">Receives a report every <see cref="TrainingSettings.LoggingSteps"/> steps; may be null.</param>
        /// <param name="cancellationToken">Stops training after the current step; a checkpoint allows resuming.</param>
        /// <returns>Where the adapter was saved and how training ended.</returns>
        Task<TrainResult> TrainAsync(ExperimentConfig config, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken);

        /// <summary>Merges a trained adapter into its base model and saves the result.</summary>
        /// <param name="config">The configuration the adapter was trained with; its <see cref="ExperimentConfig.Merge"/> is not null.</param>
        /// <param name="training">The result of <see cref="TrainAsync"/> for <paramref name="config"/>.</param>
        /// <param name="cancellationToken">Cancels the merge.</param>
        /// <returns>Where the merged model was saved.</returns>
        Task<MergeResult> MergeAsync(ExperimentConfig config, TrainResult training, CancellationToken cancellationToken);

        /// <summary>Computes the configured metrics of a trained adapter on the held-out rows.</summary>
        /// <param name="config">The configuration the adapter was trained with; its <see cref="ExperimentConfig.Evaluation"/> is not null.</param>
        /// <param name="training">The result of <see cref="TrainAsync"/> for <paramref name="config"/>.</param>
        /// <param name="cancellationToken">Cancels the evaluation.</param>
        /// <returns>One value per metric.</returns>
        Task<EvaluationResult> EvaluateAsync(ExperimentConfig config, TrainResult training, CancellationToken cancellationToken);

        /// <summary>
        /// Runs the whole experiment as a build does: trains, then merges (with <see cref="ExperimentConfig.Merge"/>) and
        /// evaluates (with <see cref="ExperimentConfig.Evaluation"/>), leaving out the stages whose inputs have not changed
        /// since they last ran, and checks the expectations.
        /// </summary>
        /// <param name="config">The resolved configuration of one experiment or variant.</param>
        /// <param name="progress">Receives training progress; may be null.</param>
        /// <param name="cancellationToken">Stops the run; a checkpoint allows resuming.</param>
        /// <returns>The stages' results and the expectations' outcomes.</returns>
        Task<ExperimentRunResult> RunAsync(ExperimentConfig config, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken);
    }
}
