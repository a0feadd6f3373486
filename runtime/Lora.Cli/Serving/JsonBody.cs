using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Lora.Cli.Serving;

/// <summary>Writes JSON responses and server-sent events with <see cref="Utf8JsonWriter"/>: no reflection, no serializer options.</summary>
internal static class JsonBody
{
    /// <summary>A whole <c>application/json</c> response.</summary>
    public static async Task WriteAsync(HttpResponse response, Action<Utf8JsonWriter> write, CancellationToken cancellationToken)
    {
        var bytes = Bytes(write);
        response.ContentType = "application/json";
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, cancellationToken);
    }

    /// <summary>One server-sent event, <c>data: {json}</c> and a blank line, flushed so that the client has it now.</summary>
    public static Task WriteEventAsync(HttpResponse response, Action<Utf8JsonWriter> write, CancellationToken cancellationToken) =>
        WriteEventAsync(response, Bytes(write), cancellationToken);

    /// <summary>One server-sent event whose data is <paramref name="data"/> (UTF-8 on one line).</summary>
    public static async Task WriteEventAsync(HttpResponse response, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(DataField, cancellationToken);
        await response.Body.WriteAsync(data, cancellationToken);
        await response.Body.WriteAsync(EventEnd, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    static readonly byte[] DataField = "data: "u8.ToArray(), EventEnd = "\n\n"u8.ToArray();

    /// <summary>Text as it is, escaped only where JSON requires: these bodies are never embedded in HTML.</summary>
    static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    static ReadOnlyMemory<byte> Bytes(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, Options)) write(json);
        return buffer.WrittenMemory;
    }
}
