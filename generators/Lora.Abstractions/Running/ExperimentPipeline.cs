using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Lora
{
    /// <summary>The steps behind the generated <c>Train</c>, <c>Merge</c>, <c>Evaluate</c> and <c>Run</c> methods.</summary>
    public static class ExperimentPipeline
    {
        /// <summary>Throws unless <paramref name="config"/> belongs to the experiment named <paramref name="experimentName"/>.</summary>
        /// <param name="config">A configuration passed to a generated pipeline method.</param>
        /// <param name="experimentName">The experiment whose pipeline was called.</param>
        /// <param name="parameterName">The parameter that carried <paramref name="config"/>.</param>
        /// <returns><paramref name="config"/>.</returns>
        public static ExperimentConfig EnsureBelongsTo(ExperimentConfig config, string experimentName, string parameterName)
        {
            if (config is null)
            {
                throw new ArgumentNullException(parameterName);
            }

            if (config.ExperimentName != experimentName)
            {
                throw new ArgumentException(
                    $"The configuration '{config.FullName}' belongs to another experiment; pass one of {experimentName}'s variants.",
                    parameterName);
            }

            return config;
        }

        /// <summary>Runs each configuration in turn through <see cref="IExperimentRunner.RunAsync"/> (train, merge, evaluate, check expectations).</summary>
        /// <param name="configs">The configurations, usually an experiment's variants.</param>
        /// <param name="runner">The runtime.</param>
        /// <param name="progress">Receives training progress; may be null.</param>
        /// <param name="cancellationToken">Cancels the remaining work.</param>
        /// <returns>One result per configuration, in order.</returns>
        public static async Task<IReadOnlyList<ExperimentRunResult>> RunAsync(
            IReadOnlyList<ExperimentConfig> configs,
            IExperimentRunner runner,
            IProgress<TrainingProgress>? progress,
            CancellationToken cancellationToken)
        {
            if (runner is null)
            {
                throw new ArgumentNullException(nameof(runner));
            }

            var results = new List<ExperimentRunResult>(configs.Count);
            foreach (var config in configs)
            {
                results.Add(await runner.RunAsync(config, progress, cancellationToken).ConfigureAwait(false));
            }

            return results;
        }

        /// <summary>Checks every expectation of <paramref name="config"/> against an evaluation.</summary>
        /// <param name="config">The configuration with its expectations.</param>
        /// <param name="evaluation">The evaluation, or null when none ran.</param>
        /// <returns>One outcome per expectation; a metric missing from the evaluation fails.</returns>
        public static IReadOnlyList<ExpectationOutcome> CheckExpectations(ExperimentConfig config, EvaluationResult? evaluation)
        {
            var outcomes = new List<ExpectationOutcome>(config.Expectations.Count);
            foreach (var expectation in config.Expectations)
            {
                double? actual = evaluation is not null && evaluation.Metrics.TryGetValue(expectation.Metric, out var value) ? value : null;
                outcomes.Add(new ExpectationOutcome(expectation, actual, actual is { } a && expectation.IsMetBy(a)));
            }

            return outcomes;
        }
    }
}
