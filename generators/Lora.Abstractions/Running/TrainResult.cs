using System;

namespace Lora
{
    /// <summary>The outcome of <see cref="IExperimentRunner.TrainAsync"/>.</summary>
    /// <param name="Config">The configuration that was trained.</param>
    /// <param name="AdapterDirectory">The saved PEFT adapter (<c>adapter_config.json</c> + <c>adapter_model.safetensors</c>).</param>
    /// <param name="Steps">Optimizer steps done.</param>
    /// <param name="FinalLoss">The training loss of the last step.</param>
    /// <param name="EvalLoss">The last evaluation loss, or null when nothing was held out.</param>
    /// <param name="Duration">Wall-clock time of this run (not of resumed earlier runs).</param>
    public sealed record TrainResult(
        ExperimentConfig Config,
        string AdapterDirectory,
        int Steps,
        double FinalLoss,
        double? EvalLoss,
        TimeSpan Duration);
}
