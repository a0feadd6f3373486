using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Lora.Runtime.Data;

/// <summary>
/// Tokenized rows in a file instead of in memory, so that a dataset of any size loads in bounded memory. Each row is
/// stored as where it came from (<see cref="RowOrigin"/>: 16 bytes), its token ids (int32, little-endian) and its loss
/// mask, a byte per token (1: the label is the token itself; 0: it is <see cref="ExampleBuilder.Ignore"/>, the only two
/// labels <see cref="ExampleBuilder"/> gives), and is read back whole as the <see cref="TokenizedExample"/> it was, so
/// batches are built as before.
/// </summary>
/// <remarks>
/// The file (<c>tokens.tmp-&lt;32 hex&gt;</c>) is temporary and private to its store: on Linux and macOS its name is removed
/// as soon as it is open, so a killed process leaves nothing (the open handle keeps the data until it closes); on
/// Windows the system deletes it when the handle closes, the process killed or not. Its name is one of
/// <see cref="IO.AtomicFolder.RemoveLeftovers"/>'s in any case. Appends and reads go one at a time, not from several threads.
/// </remarks>
public sealed class TokenStore : IDisposable
{
    const int BufferBytes = 1 << 20, HeaderBytes = 16;
    readonly SafeFileHandle _file;
    readonly byte[] _buffer = new byte[BufferBytes];
    int _buffered;
    long _written;   // bytes in the file; the buffer's come after them

    TokenStore(SafeFileHandle file, IReadOnlyList<string> files) => (_file, Files) = (file, files);

    /// <summary>The dataset files the rows come from; <see cref="RowOrigin.File"/> indexes them.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>A new, empty store in <paramref name="folder"/> (created if missing) for rows of <paramref name="files"/>.</summary>
    public static TokenStore Create(string folder, IReadOnlyList<string> files)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"tokens.tmp-{Guid.NewGuid():N}");
        var file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Delete, FileOptions.DeleteOnClose);
        if (!OperatingSystem.IsWindows()) File.Delete(path);
        return new TokenStore(file, files);
    }

    /// <summary>The bytes stored so far.</summary>
    public long Length => _written + _buffered;

    /// <summary>Stores <paramref name="example"/>'s ids and loss mask with its origin; returns the offset to read it back at.</summary>
    /// <exception cref="InvalidOperationException">A label is neither its token nor <see cref="ExampleBuilder.Ignore"/>.</exception>
    public long Append(RowOrigin origin, TokenizedExample example)
    {
        int count = example.InputIds.Length, size = Bytes(count);
        if (size > BufferBytes - _buffered) Flush();
        long offset = Length;
        // A row larger than the whole buffer goes to the file from an array of its own.
        byte[]? own = size > BufferBytes ? ArrayPool<byte>.Shared.Rent(size) : null;
        var bytes = own is null ? _buffer.AsSpan(_buffered, size) : own.AsSpan(0, size);
        BinaryPrimitives.WriteInt32LittleEndian(bytes, origin.File);
        BinaryPrimitives.WriteInt32LittleEndian(bytes[4..], origin.Line);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[8..], origin.LineOffset);
        var ids = bytes[HeaderBytes..];
        var mask = ids[(4 * count)..];
        for (int t = 0; t < count; t++)
        {
            int id = example.InputIds[t];
            long label = example.Labels[t];
            if (label != id && label != ExampleBuilder.Ignore)
                throw new InvalidOperationException($"{example.Source}: the label at position {t} is {label}, neither its token {id} nor " +
                    $"{ExampleBuilder.Ignore}; the token store keeps a loss mask, not labels.");
            BinaryPrimitives.WriteInt32LittleEndian(ids[(4 * t)..], id);
            mask[t] = label == ExampleBuilder.Ignore ? (byte)0 : (byte)1;
        }
        if (own is null) _buffered += size;
        else
        {
            RandomAccess.Write(_file, bytes, _written);
            _written += size;
            ArrayPool<byte>.Shared.Return(own);
        }
        return offset;
    }

    /// <summary>The row stored at <paramref name="offset"/> with <paramref name="tokens"/> tokens, its source named file:line.</summary>
    public TokenizedExample Read(long offset, int tokens)
    {
        var rented = ArrayPool<byte>.Shared.Rent(Bytes(tokens));
        try
        {
            var bytes = ReadAt(offset, rented.AsSpan(0, Bytes(tokens)));
            var ids = new int[tokens];
            var labels = new long[tokens];
            var mask = bytes[(HeaderBytes + 4 * tokens)..];
            for (int t = 0; t < tokens; t++)
            {
                ids[t] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(HeaderBytes + 4 * t)..]);
                labels[t] = mask[t] == 1 ? ids[t] : ExampleBuilder.Ignore;
            }
            return new TokenizedExample(ids, labels, Where(Origin(bytes)));
        }
        finally { ArrayPool<byte>.Shared.Return(rented); }
    }

    /// <summary>Where the row stored at <paramref name="offset"/> came from.</summary>
    public RowOrigin Origin(long offset) => Origin(ReadAt(offset, stackalloc byte[HeaderBytes]));

    /// <summary>A row's file:line, as <see cref="JsonlRow.Where"/> names it.</summary>
    public string Where(RowOrigin origin) => $"{Files[origin.File]}:{origin.Line}";

    static RowOrigin Origin(ReadOnlySpan<byte> header) => new(
        BinaryPrimitives.ReadInt32LittleEndian(header), BinaryPrimitives.ReadInt32LittleEndian(header[4..]), BinaryPrimitives.ReadInt64LittleEndian(header[8..]));

    static int Bytes(int tokens) => checked(HeaderBytes + 5 * tokens);

    Span<byte> ReadAt(long offset, Span<byte> bytes)
    {
        if (offset + bytes.Length > _written) Flush();
        if (RandomAccess.Read(_file, bytes, offset) != bytes.Length)
            throw new InvalidOperationException($"The token store ends before the {bytes.Length} bytes asked for at byte {offset}.");
        return bytes;
    }

    void Flush()
    {
        if (_buffered == 0) return;
        RandomAccess.Write(_file, _buffer.AsSpan(0, _buffered), _written);
        _written += _buffered;
        _buffered = 0;
    }

    public void Dispose() => _file.Dispose();
}
