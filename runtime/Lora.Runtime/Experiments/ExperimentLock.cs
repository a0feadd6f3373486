using Lora.Runtime.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Lora.Runtime.Experiments;

/// <summary>
/// An exclusive lock file, held while a build computes: one build at a time per experiment (in its artifacts folder),
/// and by default one training at a time per device on this machine (in the machine's temporary folder), so that the
/// runners a <c>dotnet build -m</c> of several experiment projects starts take turns instead of each loading its model
/// and contending for every core or the GPU's memory. A waiting build says so once, naming what it waits for. The OS
/// releases the lock when its holder exits, even when it is killed.
/// </summary>
public sealed class ExperimentLock : IDisposable
{
    readonly FileStream _stream;
    ExperimentLock(FileStream stream) => _stream = stream;

    /// <summary>One build of <paramref name="paths"/>' experiment at a time; gives up with an error after <paramref name="timeout"/>.</summary>
    public static ExperimentLock Acquire(ExperimentPaths paths, TimeSpan timeout, Action<string> say, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(paths.Root);
        return Hold(paths.Lock, timeout, () => say($"another build holds {paths.Lock}; waiting for it to finish (up to {timeout.TotalSeconds:0} s)"),
            () => $"{paths.Lock}: another build is training this experiment and did not finish within {timeout.TotalSeconds:0} s; wait for it or stop it, then build again.",
            cancellationToken);
    }

    /// <summary>The lock of <paramref name="device"/> for this machine's builds (the CPU is one device; each GPU another).</summary>
    /// <remarks>Per user: a folder another user made in the shared temporary folder would not be writable.</remarks>
    public static string DeviceLockPath(Device device) =>
        Path.Combine(Path.GetTempPath(), $"lora-sdk-locks-{Environment.UserName}", $"train-{Devices.NameOf(device).Replace(':', '-')}.lock");

    /// <summary>One training, merge or evaluation at a time on <paramref name="device"/> among this machine's builds; waits as long as it takes.</summary>
    public static ExperimentLock AcquireDevice(Device device, string experiment, Action<string> say, CancellationToken cancellationToken)
    {
        var path = DeviceLockPath(device);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string name = device.type == DeviceType.CPU ? "the CPU" : Devices.NameOf(device);
        return Hold(path, Timeout.InfiniteTimeSpan,
            () => say($"{experiment}: another build is computing on {name} ({path}); waiting for it, one at a time (LoraShareDevice=true runs them together)"),
            () => "", cancellationToken);
    }

    static ExperimentLock Hold(string path, TimeSpan timeout, Action announce, Func<string> timedOut, CancellationToken cancellationToken)
    {
        var deadline = timeout == Timeout.InfiniteTimeSpan ? DateTime.MaxValue : DateTime.UtcNow + timeout;
        bool announced = false;
        while (true)
        {
            try
            {
                // FileShare.None: the OS refuses a second open while the first build holds it; released even if that build is killed.
                return new ExperimentLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose));
            }
            catch (IOException)
            {
                if (DateTime.UtcNow >= deadline) throw new IOException(timedOut());
                if (!announced) announce();
                announced = true;
                Task.Delay(500, cancellationToken).Wait(cancellationToken);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
