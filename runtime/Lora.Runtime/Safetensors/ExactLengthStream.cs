namespace Lora.Runtime.Safetensors;

/// <summary>
/// A write-only window onto the output that a tensor callback writes through: it refuses bytes past
/// the tensor's length at once, because they would shift every later tensor off its offsets.
/// </summary>
internal sealed class ExactLengthStream(Stream inner, string tensorName, long length) : Stream
{
    public long Written { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException("A tensor output stream has no length to query.");

    public override long Position
    {
        get => Written;
        set => throw new NotSupportedException("A tensor output stream is written front to back.");
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (buffer.Length > length - Written)
        {
            throw new InvalidOperationException(
                $"The callback for tensor '{tensorName}' wrote more than the {length} bytes its shape and dtype call for.");
        }

        inner.Write(buffer);
        Written += buffer.Length;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush()
    {
        // The writer flushes the file once, at the end.
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("A tensor output stream is write-only.");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A tensor output stream is written front to back.");

    public override void SetLength(long value) => throw new NotSupportedException("A tensor output stream has a fixed length.");
}
