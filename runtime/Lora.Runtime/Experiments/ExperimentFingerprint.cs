using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lora.Runtime.Experiments;

/// <summary>
/// A content hash of everything a trained adapter depends on: the resolved configuration, the type it computes in on
/// the run's device (<see cref="Lora.ComputeType.Auto"/> differs from the CPU to a GPU), the dataset bytes, the base
/// model's files and the SDK version. Equal fingerprints mean the artifacts are current.
/// </summary>
public static class ExperimentFingerprint
{
    /// <summary>Files above this size are identified by size, time and their first and last MiB instead of a full read.</summary>
    const long FullHashLimit = 64L << 20;

    static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() }, WriteIndented = false };

    public static string SdkVersion =>
        typeof(ExperimentFingerprint).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static string ConfigJson(Lora.ExperimentConfig config) =>
        // The project directory and source path locate inputs; they are not part of what is trained.
        JsonSerializer.Serialize(config with { ProjectDirectory = "", SourcePath = "" }, Json);

    public static string Compute(Lora.ExperimentConfig config, string baseModelFolder, TorchSharp.torch.ScalarType computeType)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string label, string value) => sha.AppendData(Encoding.UTF8.GetBytes($"{label}={value}\n"));
        Add("sdk", SdkVersion);
        Add("config", ConfigJson(config));
        Add("compute", computeType.ToString());
        Add("dataset", FileHash(config.ResolvePath(config.Dataset.Path)));
        if (config.Dataset.EvalPath is { } evalPath) Add("eval-dataset", FileHash(config.ResolvePath(evalPath)));
        if (config.Adapter.InitFrom is { } init)
            foreach (var file in Directory.EnumerateFiles(config.ResolvePath(init)).Order(StringComparer.Ordinal))
                Add("init:" + Path.GetFileName(file), FileHash(file));
        foreach (var file in Directory.EnumerateFiles(baseModelFolder).Order(StringComparer.Ordinal))
            Add("model:" + Path.GetFileName(file), FileHash(file));
        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
    }

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
