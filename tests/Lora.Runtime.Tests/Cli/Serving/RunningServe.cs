using System.Text.RegularExpressions;
using Lora.Cli;

namespace Lora.Runtime.Tests.Cli.Serving;

/// <summary>
/// <c>lora serve … --port 0</c> running in-process (CliApp.RunAsync) on a free port: its address as it printed it, its log,
/// and a stop that works as Ctrl+C does.
/// </summary>
internal sealed class RunningServe : IAsyncDisposable
{
    readonly CancellationTokenSource _stop = new();
    readonly AddressWriter _stdout = new();
    readonly StringWriter _stderr = new();
    Task<int> _run = null!;

    /// <summary>The address printed, <c>http://HOST:PORT</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>OpenAI's base URL: the address and <c>/v1</c>.</summary>
    public Uri BaseUrl => new(Address, "/v1");

    public string Stdout => _stdout.ToString();

    public string Log { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>Starts <c>lora serve</c> with <paramref name="args"/> and <c>--port 0</c>; returns once it listens.</summary>
    public static async Task<RunningServe> StartAsync(params string[] args)
    {
        var serve = new RunningServe();
        var stderr = TextWriter.Synchronized(serve._stderr);
        serve._run = Task.Run(() => CliApp.RunAsync(["serve", .. args, "--port", "0"], serve._stdout, stderr, TextReader.Null, serve._stop.Token));
        var first = await Task.WhenAny(serve._stdout.Listening, serve._run, Task.Delay(TimeSpan.FromMinutes(2)));
        if (first != serve._stdout.Listening)
            Assert.Fail($"lora serve did not print its address ({(serve._run.IsCompleted ? $"exit {serve._run.Result}" : "timeout")}).\nstdout:\n{serve.Stdout}\nstderr:\n{serve.Log}");
        serve.Address = new Uri(await serve._stdout.Listening);
        return serve;
    }

    /// <summary>Stops it as Ctrl+C does; returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        _stop.Cancel();
        return await _run.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_run.IsCompleted) await StopAsync();
        _stop.Dispose();
    }

    /// <summary>Standard output, watched for the line that says where it listens.</summary>
    sealed class AddressWriter : StringWriter
    {
        readonly TaskCompletionSource<string> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<string> Listening => _listening.Task;

        public override void WriteLine(string? value)
        {
            lock (this) base.WriteLine(value);
            if (value is not null && Regex.Match(value, @"listening on (http://\S+?) ") is { Success: true } match) _listening.TrySetResult(match.Groups[1].Value);
        }

        public override string ToString()
        {
            lock (this) return base.ToString();
        }
    }
}
