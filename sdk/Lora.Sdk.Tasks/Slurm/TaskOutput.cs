namespace Lora.Sdk.Tasks.Slurm;

/// <summary>
/// A file a Slurm task writes (its standard output or error), read as it grows: each call returns the complete lines
/// added since the last one (a line still being written waits for its end).
/// </summary>
internal sealed class TaskOutput(string path, bool isError)
{
    long _offset;
    readonly List<byte> _partial = [];

    public string Path => path;

    public IEnumerable<RunnerOutput> NewLines()
    {
        if (!File.Exists(path)) return [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length < _offset) _offset = 0;   // rewritten (a requeued task starts its files again)
        stream.Seek(_offset, SeekOrigin.Begin);
        var buffer = new byte[stream.Length - _offset];
        int read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        _offset += read;
        var lines = new List<RunnerOutput>();
        for (int i = 0; i < read; i++)
        {
            if (buffer[i] != (byte)'\n')
            {
                _partial.Add(buffer[i]);
                continue;
            }

            lines.Add(new RunnerOutput(isError, System.Text.Encoding.UTF8.GetString([.. _partial]).TrimEnd('\r')));
            _partial.Clear();
        }

        return lines;
    }

    /// <summary>The last lines of the file, for a report of a task that failed.</summary>
    public IReadOnlyList<string> Tail(int count) =>
        File.Exists(path) ? File.ReadLines(path).Where(l => l.Trim().Length > 0).TakeLast(count).ToList() : [];
}
