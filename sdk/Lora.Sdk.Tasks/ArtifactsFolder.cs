namespace Lora.Sdk.Tasks;

/// <summary>Checks, before any training starts, that the artifacts folder can be created and written.</summary>
internal static class ArtifactsFolder
{
    /// <summary>Null when <paramref name="path"/> is a writable folder (created if missing); otherwise the reason.</summary>
    public static string? Problem(string path)
    {
        try
        {
            Directory.CreateDirectory(path);
            var probe = Path.Combine(path, $".lora-write-test-{Environment.ProcessId}-{Guid.NewGuid():N}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return e.Message;
        }
    }
}
