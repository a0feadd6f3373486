namespace Lora.Generators.Tests.Infrastructure;

/// <summary>
/// Compares text with a checked-in <c>Snapshots/&lt;name&gt;.verified.cs</c>. On a mismatch it writes
/// <c>&lt;name&gt;.received.cs</c> beside it and fails. A missing verified file is created only when
/// LORA_ACCEPT_SNAPSHOTS=1; otherwise that fails too.
/// </summary>
internal static class Snapshot
{
    /// <summary>Checks <paramref name="actual"/> against the verified snapshot.</summary>
    /// <param name="name">The snapshot's name.</param>
    /// <param name="actual">The text produced now.</param>
    public static void Verify(string name, string actual)
    {
        var directory = Path.Combine(RepoPaths.TestProject, "Snapshots");
        var verified = Path.Combine(directory, name + ".verified.cs");
        var received = Path.Combine(directory, name + ".received.cs");
        var normalized = actual.Replace("\r\n", "\n");
        if (!File.Exists(verified))
        {
            if (Environment.GetEnvironmentVariable("LORA_ACCEPT_SNAPSHOTS") == "1")
            {
                Directory.CreateDirectory(directory);
                File.WriteAllText(verified, normalized);
                return;
            }

            File.WriteAllText(received, normalized);
            Assert.Fail($"No verified snapshot {verified}; the output is in {received}. Review it, then rename it or rerun with LORA_ACCEPT_SNAPSHOTS=1.");
        }

        var expected = File.ReadAllText(verified).Replace("\r\n", "\n");
        if (expected == normalized)
        {
            if (File.Exists(received))
            {
                File.Delete(received);
            }

            return;
        }

        File.WriteAllText(received, normalized);
        Assert.Fail($"Snapshot {name} differs at line {FirstDifference(expected, normalized)}; see {received}.");
    }

    private static int FirstDifference(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            if (a[i] != b[i])
            {
                return i + 1;
            }
        }

        return Math.Min(a.Length, b.Length) + 1;
    }
}
