using Lora.Runtime.Experiments;

namespace Lora.Cli.Arguments;

/// <summary>One experiment of a compiled project, chosen by --experiment (name, or name/variant), or the only one.</summary>
public static class ProjectExperiment
{
    public static Lora.ExperimentConfig Find(string assemblyPath, string? name)
    {
        var experiments = ExperimentHost.Discover(Path.GetFullPath(assemblyPath));
        if (name is null)
            return experiments.Count == 1 ? experiments[0]
                : throw new CommandInputException($"{assemblyPath} declares {experiments.Count} experiments ({string.Join(", ", experiments.Select(e => e.FullName))}); name one with --experiment.");
        return experiments.FirstOrDefault(e => e.FullName == name)
            ?? throw new CommandInputException($"{assemblyPath} has no experiment '{name}'; it has: {string.Join(", ", experiments.Select(e => e.FullName))}.");
    }
}
