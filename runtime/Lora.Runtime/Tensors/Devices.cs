using Lora.Runtime.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace Lora.Runtime.Tensors;

/// <summary>
/// Which device a run computes on, from what the user wrote (<c>LoraDevice</c>, <c>--device</c>), and device comparison.
/// </summary>
public static class Devices
{
    /// <summary>The names a user may write; <c>cuda:N</c> picks the N-th GPU.</summary>
    public const string Accepted = "cpu, cuda, cuda:N or auto";

    /// <summary>Whether <paramref name="name"/> is one of <see cref="Accepted"/> (before asking whether that device is there).</summary>
    public static bool IsName(string? name) =>
        name is "cpu" or "cuda" or "auto" || (name is not null && name.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(name[5..], out int i) && i >= 0);

    /// <summary>
    /// The device <paramref name="requested"/> names (cpu, cuda, cuda:N) without loading libtorch or asking the driver whether
    /// it is there, so that an up-to-date check stays cheap; null for auto, which depends on what the machine has
    /// (<see cref="Resolve"/> then), and for names that are not devices.
    /// </summary>
    public static Device? Named(string requested)
    {
        string name = requested.Trim().ToLowerInvariant();
        if (name == "cpu") return new Device(DeviceType.CPU);
        if (name == "auto" || !IsName(name)) return null;
        return new Device(DeviceType.CUDA, name.Length > 4 ? int.Parse(name[5..]) : 0);
    }

    /// <summary>A device as a user writes it: cpu, or cuda:N (the first GPU when no index is given).</summary>
    public static string NameOf(Device device) =>
        device.type == DeviceType.CPU ? "cpu" : $"{device.type.ToString().ToLowerInvariant()}:{Math.Max(0, device.index)}";

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> are the same device (CPU is one device whatever its index).</summary>
    /// <remarks>TorchSharp's <see cref="Device"/> is a class without value equality, so == compares instances.</remarks>
    public static bool Same(Device a, Device b) =>
        a.type == b.type && (a.type == DeviceType.CPU || a.index == b.index);

    /// <summary>
    /// The device <paramref name="requested"/> names for work that only needs to know it (a memory estimate, where to compute
    /// without checking the GPU yet): <see cref="Named"/> when the name says it, else <see cref="Resolve"/> (auto).
    /// </summary>
    public static Device NamedOrResolved(string requested) => Named(requested) ?? Resolve(requested, out _);

    /// <summary>
    /// The device <paramref name="requested"/> names, with libtorch's backend for it loaded. <c>auto</c> is the first GPU when
    /// CUDA is available, else the CPU; <paramref name="choice"/> says which and why. A GPU that is not there fails here, before
    /// any model is loaded, with the reason: a run never discovers it in its first step.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown name, no CUDA, or a GPU index past the last GPU.</exception>
    public static Device Resolve(string requested, out string choice)
    {
        string name = requested.Trim().ToLowerInvariant();
        if (name == "cpu")
        {
            TorchNative.EnsureLoaded();
            choice = "cpu";
            return CPU;
        }
        if (name == "meta")   // shapes only, no data: tests stand it in for a GPU on machines without one
        {
            TorchNative.EnsureLoaded();
            choice = "meta";
            return META;
        }
        if (name == "auto")
        {
            string? why = CudaUnavailableReason();
            choice = why is null ? $"auto: cuda:0 ({cuda.device_count()} GPU(s) visible)" : $"auto: cpu ({why})";
            return why is null ? new Device(DeviceType.CUDA, 0) : CPU;
        }
        if (IsName(name))   // cuda or cuda:N
        {
            int index = name.Length > 4 ? int.Parse(name[5..]) : 0;
            if (CudaUnavailableReason() is { } why)
                throw new ArgumentException($"Device '{requested}' was asked for, but CUDA is not available: {why}. Use cpu, or auto to fall back to the CPU.");
            int count = cuda.device_count();
            if (index >= count)
                throw new ArgumentException($"Device '{requested}': this machine has {count} GPU(s), cuda:0 to cuda:{count - 1}.");
            choice = $"cuda:{index}";
            return new Device(DeviceType.CUDA, index);
        }
        throw new ArgumentException($"Device '{requested}': expected {Accepted}.");
    }

    /// <summary>Why CUDA cannot be used here, or null when it can.</summary>
    static string? CudaUnavailableReason()
    {
        try
        {
            TorchNative.EnsureLoaded(cuda: true);
        }
        catch (Exception e) when (e is NativeLoadException or DllNotFoundException or NotSupportedException)
        {
            return $"libtorch's CUDA backend did not load ({e.Message.Split('\n')[0]})";
        }
        return cuda.is_available() ? null
            : "libtorch reports no CUDA device (no NVIDIA driver or GPU, or the libtorch on the library path is a CPU build)";
    }
}
