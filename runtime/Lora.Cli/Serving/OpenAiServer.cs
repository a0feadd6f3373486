using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Lora.Runtime.Chat;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Lora.Cli.Serving.OpenAiError;

namespace Lora.Cli.Serving;

/// <summary>
/// An OpenAI-compatible HTTP server (Kestrel, HTTP/1.1) over a <see cref="LoraChatClient"/>: <c>POST /v1/chat/completions</c>
/// (<see cref="ChatCompletionEndpoint"/>), <c>GET /v1/models</c> and <c>GET /v1/models/{id}</c> (the base model and each
/// adapter by name). Every error is OpenAI's JSON error object with its status. It reads no configuration files and no
/// environment (ASPNETCORE_URLS and appsettings.json cannot move it off the address it is given), and handles no signals:
/// its owner stops it. One line per request goes to the log.
/// </summary>
public sealed class OpenAiServer : IAsyncDisposable
{
    readonly WebApplication _app;
    readonly LoraChatClient _client;
    readonly ChatCompletionEndpoint _chat;
    readonly TextWriter _log;
    readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    CancellationToken _stopping;

    OpenAiServer(WebApplication app, LoraChatClient client, ServeLimits limits, TextWriter log)
    {
        (_app, _client, _log) = (app, client, log);
        _chat = new ChatCompletionEndpoint(client, limits);
    }

    /// <summary>The address it listens on, with the port chosen when 0 was asked: <c>http://127.0.0.1:PORT</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Starts listening on <paramref name="host"/>:<paramref name="port"/> (0: a free port).</summary>
    /// <param name="log">Where each request's line goes; written from several threads.</param>
    /// <exception cref="IOException">The address is in use or cannot be bound.</exception>
    public static async Task<OpenAiServer> StartAsync(LoraChatClient client, IPAddress host, int port, ServeLimits limits, TextWriter log,
        CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(host, port);
            kestrel.AddServerHeader = false;
            // Kestrel refuses a longer body while it is read (413), also when it comes chunked without a Content-Length.
            kestrel.Limits.MaxRequestBodySize = limits.MaxBodyBytes;
        });
        // The command stops the server (Ctrl+C reaches it through System.CommandLine): no console lifetime of the host's own.
        builder.Services.AddSingleton<IHostLifetime, OwnerLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();
        var server = new OpenAiServer(app, client, limits, log);
        server._stopping = app.Lifetime.ApplicationStopping;
        app.Run(server.DispatchAsync);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            await app.DisposeAsync();
            throw new IOException($"Cannot listen on {Format(host, port)}: {e.Message}", e);
        }
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        server.Address = new Uri(addresses.Single());
        return server;
    }

    static string Format(IPAddress host, int port) => new IPEndPoint(host, port).ToString();

    /// <summary>Stops listening; requests in progress are cancelled at their next token.</summary>
    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    async Task DispatchAsync(HttpContext context)
    {
        var clock = Stopwatch.StartNew();
        var request = context.Request;
        try
        {
            switch (request.Path.Value)
            {
                case "/v1/chat/completions":
                    Allow(context, HttpMethods.Post);
                    await _chat.HandleAsync(context, _stopping);
                    break;
                case "/v1/models":
                    Allow(context, HttpMethods.Get);
                    await JsonBody.WriteAsync(context.Response, WriteModels, context.RequestAborted);
                    break;
                case { } path when path.StartsWith("/v1/models/", StringComparison.Ordinal):
                    Allow(context, HttpMethods.Get);
                    string id = Uri.UnescapeDataString(path["/v1/models/".Length..]);
                    if (!_client.ModelIds.Contains(id, StringComparer.Ordinal))
                        throw new OpenAiError(StatusCodes.Status404NotFound, $"The model '{id}' does not exist on this server (GET /v1/models lists them).",
                            Codes.ModelNotFound, "model");
                    await JsonBody.WriteAsync(context.Response, json => WriteModel(json, id), context.RequestAborted);
                    break;
                default:
                    throw new OpenAiError(StatusCodes.Status404NotFound,
                        $"No route {request.Method} {request.Path}; lora serve answers POST /v1/chat/completions, GET /v1/models and GET /v1/models/{{id}}.",
                        Codes.NotFound);
            }
        }
        catch (OpenAiError error) when (!context.Response.HasStarted)
        {
            await error.WriteAsync(context.Response, context.RequestAborted);
        }
        catch (StreamAbortedException)
        {
            // The error event went out with the stream.
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nobody to answer.
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            _log.WriteLine($"lora serve: internal error on {request.Method} {request.Path}: {e}");
            await new OpenAiError(StatusCodes.Status500InternalServerError, $"Internal error ({e.GetType().Name}): {e.Message}", Codes.ServerError)
                .WriteAsync(context.Response, context.RequestAborted);
        }
        string summary = context.Items.TryGetValue(ChatCompletionEndpoint.SummaryItem, out var item) ? $" {item}" : "";
        _log.WriteLine($"lora serve: {request.Method} {request.Path} {context.Response.StatusCode}{summary} {clock.Elapsed.TotalSeconds:0.00} s");
    }

    static void Allow(HttpContext context, string method)
    {
        if (string.Equals(context.Request.Method, method, StringComparison.OrdinalIgnoreCase)) return;
        context.Response.Headers.Allow = method;
        throw new OpenAiError(StatusCodes.Status405MethodNotAllowed, $"{context.Request.Path} answers {method} only, not {context.Request.Method}.",
            Codes.MethodNotAllowed);
    }

    void WriteModels(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("object", "list");
        json.WriteStartArray("data");
        foreach (var id in _client.ModelIds) WriteModel(json, id);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    void WriteModel(Utf8JsonWriter json, string id)
    {
        json.WriteStartObject();
        json.WriteString("id", id);
        json.WriteString("object", "model");
        json.WriteNumber("created", _started.ToUnixTimeSeconds());
        json.WriteString("owned_by", LoraChatClient.ProviderName);
        json.WriteEndObject();
    }

    /// <summary>A host lifetime that waits for nothing and listens to no signal: <see cref="StopAsync"/> is the only way to stop.</summary>
    sealed class OwnerLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
