using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lora.Runtime.Experiments;

/// <summary>
/// Content hashes of what each stage's output depends on. Training (<see cref="Compute(Lora.ExperimentConfig, BaseModelLocation, TorchSharp.torch.ScalarType)"/>): the configuration without
/// what only later stages read (merge, export, evaluation, expectations, description), the type it computes in on the run's
/// device (<see cref="Lora.ComputeType.Auto"/> differs from the CPU to a GPU), the dataset bytes, the base model's files
/// and the SDK version. Merging, exporting and evaluation (<see cref="Stage"/>): the training fingerprint and their own settings.
/// Expectations are in none of them: they are checked at every build, against the evaluation on disk. Equal fingerprints
/// mean a stage's artifacts are current.
/// </summary>
public static class ExperimentFingerprint
{
    /// <summary>Files above this size are identified by size, time and their first and last MiB instead of a full read.</summary>
    const long FullHashLimit = 64L << 20;

    static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() }, WriteIndented = false };

    public static string SdkVersion =>
        typeof(ExperimentFingerprint).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static string ConfigJson(Lora.ExperimentConfig config) =>
        // The project directory, source path and attribute locations locate inputs; they are not part of what is trained.
        JsonSerializer.Serialize(config with { ProjectDirectory = "", SourcePath = "", Locations = null }, Json);

    /// <summary>The training fingerprint of a base model given by its folder.</summary>
    public static string Compute(Lora.ExperimentConfig config, string baseModelFolder, TorchSharp.torch.ScalarType computeType) =>
        Compute(config, new BaseModelLocation(baseModelFolder), computeType);

    /// <summary>
    /// The training fingerprint: what the adapter depends on. A base model from the Hugging Face cache adds the commit its
    /// revision resolved to, besides its files' content: pulling a branch that moved retrains.
    /// </summary>
    public static string Compute(Lora.ExperimentConfig config, BaseModelLocation baseModel, TorchSharp.torch.ScalarType computeType)
    {
        string baseModelFolder = baseModel.Folder;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string label, string value) => sha.AppendData(Encoding.UTF8.GetBytes($"{label}={value}\n"));
        Add("sdk", SdkVersion);
        // What the later stages alone read leaves training current when it changes.
        Add("config", ConfigJson(config with { Description = null, Merge = null, Export = null, Evaluation = null, Expectations = [] }));
        Add("compute", computeType.ToString());
        Add("dataset", FileHash(config.ResolvePath(config.Dataset.Path)));
        if (config.Dataset.EvalPath is { } evalPath) Add("eval-dataset", FileHash(config.ResolvePath(evalPath)));
        if (config.Adapter.InitFrom is { } init)
            foreach (var file in Directory.EnumerateFiles(config.ResolvePath(init)).Order(StringComparer.Ordinal))
                Add("init:" + Path.GetFileName(file), FileHash(file));
        if (baseModel.Snapshot is { } snapshot) Add("model-commit", $"{snapshot.Id}@{snapshot.Commit}");
        foreach (var file in Directory.EnumerateFiles(baseModelFolder).Order(StringComparer.Ordinal))
            Add("model:" + Path.GetFileName(file), FileHash(file));
        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
    }

    /// <summary>
    /// A later stage's fingerprint: <paramref name="training"/> (its input adapter) and the stage's own settings
    /// (<see cref="Lora.MergeSettings"/>, <see cref="Lora.EvaluationSettings"/>; null when the experiment has none).
    /// </summary>
    public static string Stage(string training, string stage, object? settings) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"train={training}\nstage={stage}\nsettings={JsonSerializer.Serialize(settings, Json)}\n"))).ToLowerInvariant();

    public static string FileHash(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: not found (needed for the experiment's fingerprint).", path);
        var info = new FileInfo(path);
        using var stream = File.OpenRead(path);
        if (info.Length <= FullHashLimit) return Convert.ToHexString(SHA256.HashData(stream));
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        sha.AppendData(Encoding.UTF8.GetBytes($"{info.Length}:{info.LastWriteTimeUtc.Ticks}"));
        sha.AppendData(buffer, 0, stream.Read(buffer));
        stream.Seek(-buffer.Length, SeekOrigin.End);
        sha.AppendData(buffer, 0, stream.Read(buffer));
        return Convert.ToHexString(sha.GetHashAndReset());
    }
}
