using Lora.Runtime.IO;

namespace Lora.Runtime.Interop;

/// <summary>
/// <c>lora export axolotl</c>: a folder with <c>axolotl.yaml</c> (<see cref="AxolotlConfig"/>) and the dataset in Axolotl's
/// shape under <c>data/</c> (<see cref="AxolotlDataset"/>), written whole or not at all. Run it from that folder:
/// <c>axolotl train axolotl.yaml</c> (or accelerate/torchrun); the PEFT adapter lands in <c>outputs/adapter</c>, and
/// <c>lora import adapter</c> brings it back into the experiment's artifacts for Lora.Sdk to merge, evaluate and report.
/// </summary>
public static class AxolotlExport
{
    public const string ConfigFile = "axolotl.yaml";

    /// <summary>Writes the folder; returns the number of training and evaluation rows.</summary>
    public static (int Train, int Eval) Write(Lora.ExperimentConfig config, string folder)
    {
        var yaml = AxolotlConfig.Build(config);
        int train = 0, eval = 0;
        AtomicFolder.Write(folder, staging =>
        {
            File.WriteAllText(Path.Combine(staging, ConfigFile), yaml.Write(
            [
                $"Experiment {config.FullName}, exported by Lora.Sdk {Experiments.ExperimentFingerprint.SdkVersion} (lora export axolotl).",
                $"Run from this folder: axolotl train {ConfigFile}; then lora import adapter --adapter {AxolotlConfig.OutputDir} ...",
            ]));
            train = AxolotlDataset.Write(config, config.ResolvePath(config.Dataset.Path), Path.Combine(staging, AxolotlConfig.TrainFile));
            if (config.Dataset.EvalPath is { } evalPath)
                eval = AxolotlDataset.Write(config, config.ResolvePath(evalPath), Path.Combine(staging, AxolotlConfig.EvalFile));
        });
        return (train, eval);
    }
}
