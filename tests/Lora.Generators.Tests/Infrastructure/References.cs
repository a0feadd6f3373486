using Microsoft.CodeAnalysis;

namespace Lora.Generators.Tests.Infrastructure;

/// <summary>Metadata references for test compilations: the running framework's assemblies plus Lora.Abstractions, all offline.</summary>
internal static class References
{
    /// <summary>Framework assemblies (from the trusted platform assemblies in the runtime folder) and Lora.Abstractions.</summary>
    public static IReadOnlyList<MetadataReference> All { get; } = Load();

    /// <summary>
    /// <see cref="All"/> and Lora.Runtime with the assemblies its chat client's API names (Microsoft.Extensions.AI.Abstractions,
    /// TorchSharp): what a Lora.Sdk project compiles against, under which the generator writes <c>CreateChatClient</c>.
    /// </summary>
    public static IReadOnlyList<MetadataReference> WithRuntime { get; } =
    [
        .. All,
        .. new[] { typeof(Lora.Runtime.Chat.LoraChatClient), typeof(Microsoft.Extensions.AI.IChatClient), typeof(TorchSharp.torch) }
            .Select(t => (MetadataReference)MetadataReference.CreateFromFile(t.Assembly.Location)),
    ];

    /// <summary>The Lora.Abstractions assembly file.</summary>
    public static string AbstractionsPath => typeof(Lora.ExperimentConfig).Assembly.Location;

    private static IReadOnlyList<MetadataReference> Load()
    {
        var runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => Path.GetDirectoryName(p) == runtimeDirectory)
            .Append(AbstractionsPath);
        return paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToList();
    }
}
