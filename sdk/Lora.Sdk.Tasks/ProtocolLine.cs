namespace Lora.Sdk.Tasks;

/// <summary>
/// One line of the runner's protocol on standard output: <c>##lora &lt;kind&gt; &lt;payload&gt;</c>. Lines without
/// the prefix are plain output.
/// </summary>
/// <param name="Kind">progress, info, skipped, done, error or expectation.</param>
/// <param name="Payload">The rest of the line: JSON for progress and expectation, text otherwise.</param>
internal readonly record struct ProtocolLine(string Kind, string Payload)
{
    /// <summary>What every protocol line starts with.</summary>
    public const string Prefix = RunnerProtocol.Prefix;

    public const string Progress = RunnerProtocol.Kind.Progress, Info = RunnerProtocol.Kind.Info, Skipped = RunnerProtocol.Kind.Skipped,
        Done = RunnerProtocol.Kind.Done, Error = RunnerProtocol.Kind.Error, Expectation = RunnerProtocol.Kind.Expectation;

    /// <summary>Splits a protocol line into kind and payload; false for plain output.</summary>
    public static bool TryParse(string line, out ProtocolLine parsed)
    {
        if (!line.StartsWith(Prefix, StringComparison.Ordinal))
        {
            parsed = default;
            return false;
        }

        var rest = line.AsSpan(Prefix.Length);
        int space = rest.IndexOf(' ');
        parsed = space < 0
            ? new ProtocolLine(rest.ToString(), "")
            : new ProtocolLine(rest[..space].ToString(), rest[(space + 1)..].ToString());
        return true;
    }
}
