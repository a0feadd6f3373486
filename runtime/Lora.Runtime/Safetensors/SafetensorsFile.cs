using System.Diagnostics.CodeAnalysis;
using System.IO.MemoryMappedFiles;

namespace Lora.Runtime.Safetensors;

/// <summary>
/// A validated safetensors file mapped read-only into memory: tensor bytes are read straight from the
/// page cache, so loading a large model never holds a second full copy of the file.
/// Spans returned by <see cref="GetBytes(TensorEntry)"/> are valid until <see cref="Dispose"/>.
/// </summary>
public sealed unsafe class SafetensorsFile : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly Dictionary<string, TensorEntry> _byName;
    private byte* _fileStart;

    private SafetensorsFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, byte* fileStart, SafetensorsHeader header)
    {
        Path = path;
        _map = map;
        _view = view;
        _fileStart = fileStart;
        Header = header;
        _byName = header.Entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
    }

    /// <summary>The file, as given to <see cref="Open"/>.</summary>
    public string Path { get; }

    /// <summary>The validated header.</summary>
    public SafetensorsHeader Header { get; }

    /// <summary>The "__metadata__" map; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata => Header.Metadata;

    /// <summary>The tensors in the order their bytes appear in the file.</summary>
    public IReadOnlyList<TensorEntry> Entries => Header.Entries;

    /// <summary>Maps <paramref name="path"/> read-only and validates its header; throws <see cref="SafetensorsFormatException"/> for a malformed file.</summary>
    public static SafetensorsFile Open(string path)
    {
        // FileShare.Delete: an atomic writer may replace the file by rename while it is mapped; the
        // mapping keeps the old content, which is what a reader in the middle of a load wants.
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 1, FileOptions.RandomAccess);
        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        var pointerAcquired = false;
        try
        {
            // The length check runs before mapping: an empty file cannot be mapped, and a file
            // shorter than the prefix deserves the format error rather than an IO one.
            var fileLength = stream.Length;
            Span<byte> prefix = stackalloc byte[SafetensorsHeader.LengthPrefixSize];
            var prefixRead = (int)Math.Min(fileLength, prefix.Length);
            stream.ReadExactly(prefix[..prefixRead]);
            var headerLength = SafetensorsHeader.ReadHeaderLength(path, prefix[..prefixRead], fileLength);

            map = MemoryMappedFile.CreateFromFile(stream, mapName: null, capacity: 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* viewStart = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref viewStart);
            pointerAcquired = true;
            var fileStart = viewStart + view.PointerOffset;

            var headerJson = new ReadOnlySpan<byte>(fileStart + SafetensorsHeader.LengthPrefixSize, (int)headerLength);
            var header = SafetensorsHeader.Parse(path, headerJson, fileLength - SafetensorsHeader.LengthPrefixSize - headerLength);
            return new SafetensorsFile(path, map, view, fileStart, header);
        }
        catch
        {
            if (pointerAcquired)
            {
                view!.SafeMemoryMappedViewHandle.ReleasePointer();
            }

            view?.Dispose();
            map?.Dispose();
            stream.Dispose();
            throw;
        }
    }

    /// <summary>The entry named <paramref name="name"/>, if the file has one.</summary>
    public bool TryGet(string name, [MaybeNullWhen(false)] out TensorEntry entry) => _byName.TryGetValue(name, out entry);

    /// <summary>The entry named <paramref name="name"/>; throws <see cref="KeyNotFoundException"/> naming the closest available names.</summary>
    public TensorEntry Get(string name) =>
        _byName.TryGetValue(name, out var entry)
            ? entry
            : throw new KeyNotFoundException($"{Path}: no tensor named '{name}'; {TensorNameSuggestions.Describe(name, Entries.Select(e => e.Name).ToList())}");

    /// <summary>The tensor's bytes, straight from the mapping (no copy).</summary>
    public ReadOnlySpan<byte> GetBytes(TensorEntry entry)
    {
        CheckOwned(entry);
        if (entry.ByteLength > int.MaxValue)
        {
            throw new ArgumentException(
                $"{Path}: tensor '{entry.Name}' is {entry.ByteLength} bytes, more than one span can hold; read it in pieces with GetBytes(entry, offset, length)",
                nameof(entry));
        }

        return GetBytes(entry, 0, (int)entry.ByteLength);
    }

    /// <summary><paramref name="length"/> bytes of the tensor from <paramref name="offset"/>, for tensors too large for one span.</summary>
    public ReadOnlySpan<byte> GetBytes(TensorEntry entry, long offset, int length)
    {
        CheckOwned(entry);
        if (offset < 0 || length < 0 || offset > entry.ByteLength - length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset),
                $"{Path}: bytes [{offset}, {offset + length}) are outside tensor '{entry.Name}', which is {entry.ByteLength} bytes");
        }

        return new ReadOnlySpan<byte>(DataAddress(entry) + offset, length);
    }

    /// <summary>Copies the tensor's bytes into <paramref name="destination"/>, which must be exactly <see cref="TensorEntry.ByteLength"/> bytes.</summary>
    public void CopyTo(TensorEntry entry, Span<byte> destination)
    {
        CheckOwned(entry);
        if (destination.Length != entry.ByteLength)
        {
            throw new ArgumentException(
                $"{Path}: tensor '{entry.Name}' ({entry.DType.ToHeaderName()} {ShapeArithmetic.Format(entry.Shape)}) is {entry.ByteLength} bytes but the destination is {destination.Length}",
                nameof(destination));
        }

        GetBytes(entry, 0, destination.Length).CopyTo(destination);
    }

    public void Dispose()
    {
        if (_fileStart == null)
        {
            return;
        }

        _fileStart = null;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }

    private byte* DataAddress(TensorEntry entry) => _fileStart + Header.DataStart + entry.Begin;

    // Offsets are trusted only because they were validated against this file; an entry from another
    // file (or built by hand) could point anywhere in memory.
    private void CheckOwned(TensorEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ObjectDisposedException.ThrowIf(_fileStart == null, this);
        if (!_byName.TryGetValue(entry.Name, out var own) || !own.Equals(entry))
        {
            throw new ArgumentException($"{Path}: {entry} is not an entry of this file; take entries from Entries, TryGet or Get", nameof(entry));
        }
    }
}
