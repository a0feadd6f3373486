using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using TorchSharp;

namespace Lora.Runtime.Native;

/// <summary>
/// Loads TorchSharp's native library before TorchSharp tries to, so that it works on systems whose
/// libstdc++ is older than the one it was built against, and so that a failure names its real cause.
/// </summary>
/// <remarks>
/// TorchSharp's own loader reports any failure as a missing libtorch package reference, which sends
/// users the wrong way. We load <c>libLibTorchSharp.so</c> ourselves: as it is when the system can;
/// otherwise, when the only obstacle is the GLIBCXX_3.4.32 requirement, a patched private copy
/// (<see cref="ElfSymbolPatch"/>) kept in a cache folder, the original untouched. Every
/// <c>[DllImport("LibTorchSharp")]</c> in TorchSharp is then bound to that handle through a resolver.
/// </remarks>
public static class TorchNative
{
    const string LibraryName = "LibTorchSharp";
    const string FileName = "libLibTorchSharp.so";
    static readonly object Gate = new();
    static IntPtr _handle;
    static bool _cudaRequested;

    /// <summary>Where the patched copy lives when one was needed (null otherwise); for diagnostics.</summary>
    public static string? PatchedCopyPath { get; private set; }

    /// <summary>Makes TorchSharp usable in this process; idempotent and thread-safe.</summary>
    /// <param name="cuda">Also initialise the CUDA backend (requires a CUDA libtorch on the library path).</param>
    public static void EnsureLoaded(bool cuda = false)
    {
        lock (Gate)
        {
            if (_handle == IntPtr.Zero)
            {
                if (OperatingSystem.IsLinux()) LoadOnLinux();
                _handle = _handle == IntPtr.Zero ? new IntPtr(-1) : _handle;
                torch.InitializeDeviceType(DeviceType.CPU);
            }
            if (cuda && !_cudaRequested)
            {
                // Without a CUDA libtorch, TorchSharp's own CUDA loader prints a page to standard output (the build
                // protocol's channel) and then copies native packages around: find out first, and say it in one line.
                if (OperatingSystem.IsLinux() && !CudaLibTorchLoads(out string where))
                    throw new NativeLoadException($"libtorch_cuda.so could not be loaded ({where}): the libtorch in use is a CPU build, or a CUDA libtorch is not on LD_LIBRARY_PATH.");
                torch.InitializeDeviceType(DeviceType.CUDA);
                _cudaRequested = true;
            }
        }
    }

    /// <summary>Whether libtorch's CUDA library loads, beside the loaded LibTorchSharp first, then by the loader's search path.</summary>
    static bool CudaLibTorchLoads(out string where)
    {
        const string cudaLibrary = "libtorch_cuda.so";
        var besides = new[] { LibTorchDirectory, _originalDirectory }.OfType<string>().Select(d => Path.Combine(d, cudaLibrary)).ToList();
        where = string.Join(", ", besides.Append("LD_LIBRARY_PATH"));
        return besides.Any(path => File.Exists(path) && NativeLibrary.TryLoad(path, out _)) || NativeLibrary.TryLoad(cudaLibrary, out _);
    }

    static string? _originalDirectory;

    /// <summary>
    /// The environment variable naming an installed libtorch's library folder (an SDK project's <c>LoraLibTorchPath</c>,
    /// e.g. the lib folder of a PyTorch installation): its libraries are loaded from there, before any package's.
    /// </summary>
    public const string LibTorchDirectoryVariable = "LORA_LIBTORCH_DIR";

    /// <summary>libtorch's libraries that LibTorchSharp links against, in load order.</summary>
    static readonly string[] LibTorchLibraries = ["libc10.so", "libtorch_cpu.so", "libtorch.so"];

    static string? LibTorchDirectory => Environment.GetEnvironmentVariable(LibTorchDirectoryVariable) is { Length: > 0 } dir ? dir : null;

    static void LoadOnLinux()
    {
        string original = FindOriginal();
        string directory = Path.GetDirectoryName(original)!;
        _originalDirectory = directory;
        // Dependencies first, by absolute path: a copy outside this folder then finds them by soname. An installed libtorch
        // named by LORA_LIBTORCH_DIR comes first and must hold them.
        if (LibTorchDirectory is { } installed)
            foreach (var dep in LibTorchLibraries)
            {
                var path = Path.Combine(installed, dep);
                if (!File.Exists(path) || !NativeLibrary.TryLoad(path, out _))
                    throw new NativeLoadException($"{LibTorchDirectoryVariable} (LoraLibTorchPath) is '{installed}', but {dep} {(File.Exists(path) ? "did not load from it" : "is not there")}: it must name the folder holding libtorch's libraries (libtorch.so, libc10.so).");
            }
        foreach (var dep in LibTorchLibraries)
        {
            var path = Path.Combine(directory, dep);
            if (File.Exists(path)) NativeLibrary.TryLoad(path, out _);
        }

        string firstError;
        try
        {
            Bind(NativeLibrary.Load(original));
            return;
        }
        catch (DllNotFoundException e) { firstError = e.Message; }

        if (!firstError.Contains(ElfSymbolPatch.MissingVersion, StringComparison.Ordinal))
            throw new NativeLoadException(
                $"TorchSharp's native library {original} could not be loaded: {Explain(firstError)}");

        string copy = PatchedCopy(original);
        try
        {
            Bind(NativeLibrary.Load(copy));
            PatchedCopyPath = copy;
        }
        catch (DllNotFoundException e)
        {
            throw new NativeLoadException(
                $"TorchSharp's native library {original} needs {ElfSymbolPatch.MissingVersion} (libstdc++ from GCC 13), which this system lacks; " +
                $"the patched copy {copy} did not load either: {Explain(e.Message)}", e);
        }
    }

    static void Bind(IntPtr handle)
    {
        _handle = handle;
        NativeLibrary.SetDllImportResolver(typeof(torch).Assembly,
            (name, _, _) => name == LibraryName ? _handle : IntPtr.Zero);
    }

    /// <summary>The patched copy, made once per original file (keyed by its hash) and written atomically.</summary>
    static string PatchedCopy(string original)
    {
        byte[] bytes = File.ReadAllBytes(original);
        string hash = Convert.ToHexString(SHA256.HashData(bytes))[..16].ToLowerInvariant();
        string folder = Path.Combine(CacheRoot(), "native", hash);
        string copy = Path.Combine(folder, FileName);
        if (File.Exists(copy)) return copy;

        Directory.CreateDirectory(folder);
        byte[] patched = ElfSymbolPatch.Apply(bytes, original);
        string temp = $"{copy}.tmp-{Environment.ProcessId}";
        File.WriteAllBytes(temp, patched);
        File.Move(temp, copy, overwrite: true);
        Console.Error.WriteLine(
            $"Lora.Sdk: this system's libstdc++ lacks {ElfSymbolPatch.MissingVersion}, which TorchSharp's {FileName} asks for. " +
            $"Using a patched private copy at {copy} (the original is untouched; the one call it affects is a no-op on this libstdc++).");
        return copy;
    }

    static string CacheRoot()
    {
        var configured = Environment.GetEnvironmentVariable("LORA_CACHE_DIR");
        if (!string.IsNullOrEmpty(configured)) return configured;
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrEmpty(xdg)) return Path.Combine(xdg, "lora-sdk");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return string.IsNullOrEmpty(home) ? Path.Combine(Path.GetTempPath(), "lora-sdk") : Path.Combine(home, ".cache", "lora-sdk");
    }

    /// <summary>The folders the .NET host probes for native assets, then the app's own folders.</summary>
    static string FindOriginal()
    {
        var candidates = new List<string>();
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string dirs)
            candidates.AddRange(dirs.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        foreach (var baseDir in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(typeof(torch).Assembly.Location) })
        {
            if (string.IsNullOrEmpty(baseDir)) continue;
            candidates.Add(baseDir);
            candidates.Add(Path.Combine(baseDir, "runtimes", "linux-x64", "native"));
        }
        foreach (var dir in candidates)
        {
            var path = Path.Combine(dir, FileName);
            if (File.Exists(path)) return Path.GetFullPath(path);
        }
        throw new NativeLoadException(
            $"TorchSharp's native library {FileName} was not found. Looked in: {string.Join(", ", candidates.Distinct())}. " +
            "Reference the TorchSharp package (and libtorch-cpu-linux-x64, or put a libtorch on LD_LIBRARY_PATH).");
    }

    /// <summary>Turns the loader's text into the cause: a missing file or a missing symbol version.</summary>
    static string Explain(string loaderMessage)
    {
        if (loaderMessage.Contains("cannot open shared object file", StringComparison.Ordinal))
            return loaderMessage + " (a library it depends on is missing: check that libtorch is next to it or on LD_LIBRARY_PATH)";
        if (loaderMessage.Contains("not found (required by", StringComparison.Ordinal))
            return loaderMessage + " (a symbol version is missing from a system library)";
        return loaderMessage;
    }
}
