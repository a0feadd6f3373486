using System.Text.Json;

namespace Lora.Sdk.Tasks.Slurm;

/// <summary>An experiment that <c>lora experiment plan</c> says needs computing, with its training memory estimate.</summary>
internal sealed record PlannedExperiment(string Name, double MemoryMiB)
{
    /// <summary>Reads a <c>plan</c> line's JSON payload; null when it is not one.</summary>
    public static PlannedExperiment? TryParse(string payload)
    {
        try
        {
            using var json = JsonDocument.Parse(payload);
            var root = json.RootElement;
            return root.TryGetProperty(RunnerProtocol.Field.Experiment, out var name) && name.ValueKind == JsonValueKind.String
                   && root.TryGetProperty(RunnerProtocol.Field.MemoryMiB, out var memory) && memory.ValueKind == JsonValueKind.Number
                ? new PlannedExperiment(name.GetString()!, memory.GetDouble())
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
