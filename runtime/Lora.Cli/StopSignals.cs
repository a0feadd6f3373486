using System.Runtime.InteropServices;

namespace Lora.Cli;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM as a cancellation, for the verbs that run until they are stopped (<c>chat</c>, <c>serve</c>,
/// <c>experiment run</c>): the verb ends cleanly and returns instead of the process being killed. System.CommandLine's own handling is off (CliApp):
/// it would end every verb after two seconds, a training run's checkpoint included.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    readonly CancellationTokenSource _stop;
    readonly PosixSignalRegistration _sigint, _sigterm;

    /// <param name="cancellationToken">Another reason to stop: the caller's (a test hosting the verb in-process).</param>
    public StopSignals(CancellationToken cancellationToken)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
    }

    /// <summary>Cancelled at the first signal (or by the caller's token).</summary>
    public CancellationToken Token => _stop.Token;

    void Stop(PosixSignalContext context)
    {
        context.Cancel = true;
        _stop.Cancel();
    }

    public void Dispose()
    {
        _sigint.Dispose();
        _sigterm.Dispose();
        _stop.Dispose();
    }
}
