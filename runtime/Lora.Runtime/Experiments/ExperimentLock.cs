namespace Lora.Runtime.Experiments;

/// <summary>
/// One build at a time per experiment: an exclusive lock file in its artifacts folder. A second build
/// waits for the first, saying so, and gives up with a clear error after the timeout.
/// </summary>
public sealed class ExperimentLock : IDisposable
{
    readonly FileStream _stream;
    ExperimentLock(FileStream stream) => _stream = stream;

    public static ExperimentLock Acquire(ExperimentPaths paths, TimeSpan timeout, Action<string> say, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(paths.Root);
        var deadline = DateTime.UtcNow + timeout;
        bool announced = false;
        while (true)
        {
            try
            {
                // FileShare.None: the OS refuses a second open while the first build holds it; released even if that build is killed.
                var stream = new FileStream(paths.Lock, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
                return new ExperimentLock(stream);
            }
            catch (IOException)
            {
                if (DateTime.UtcNow >= deadline)
                    throw new IOException($"{paths.Lock}: another build is training this experiment and did not finish within {timeout.TotalSeconds:0} s; " +
                                          "wait for it or stop it, then build again.");
                if (!announced) say($"another build holds {paths.Lock}; waiting for it to finish (up to {timeout.TotalSeconds:0} s)");
                announced = true;
                Task.Delay(500, cancellationToken).Wait(cancellationToken);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
