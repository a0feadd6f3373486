using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Lora.Cli.Serving;

/// <summary>
/// A request <c>lora serve</c> refuses, as OpenAI's API answers one: an HTTP status and
/// <c>{"error": {"message", "type", "param", "code"}}</c>.
/// </summary>
/// <param name="status">The HTTP status code.</param>
/// <param name="message">What is wrong and what to send instead.</param>
/// <param name="code">A stable code for programs (<see cref="Codes"/>).</param>
/// <param name="param">The request field at fault (<c>messages[1].role</c>), or null.</param>
public sealed class OpenAiError(int status, string message, string code, string? param = null) : Exception(message)
{
    /// <summary>The codes <c>lora serve</c> answers with.</summary>
    public static class Codes
    {
        public const string InvalidJson = "invalid_json";
        public const string InvalidBody = "invalid_body";
        public const string MissingParameter = "missing_required_parameter";
        public const string InvalidType = "invalid_type";
        public const string InvalidValue = "invalid_value";
        public const string UnknownParameter = "unknown_parameter";
        public const string UnsupportedParameter = "unsupported_parameter";
        public const string ModelNotFound = "model_not_found";
        public const string RequestTooLarge = "request_too_large";
        public const string NotFound = "not_found";
        public const string MethodNotAllowed = "method_not_allowed";
        public const string ServerBusy = "server_busy";
        public const string ServerError = "server_error";
    }

    public int Status { get; } = status;

    public string Code { get; } = code;

    public string? Param { get; } = param;

    /// <summary>OpenAI's error type: <c>invalid_request_error</c> for the client's mistakes (4xx), <c>server_error</c> otherwise.</summary>
    public string Type => Status < 500 ? "invalid_request_error" : "server_error";

    public static OpenAiError BadRequest(string message, string code, string? param = null) => new(StatusCodes.Status400BadRequest, message, code, param);

    /// <summary>The error object, as a response body or a server-sent event's data.</summary>
    public void WriteTo(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteStartObject("error");
        json.WriteString("message", Message);
        json.WriteString("type", Type);
        if (Param is null) json.WriteNull("param"); else json.WriteString("param", Param);
        json.WriteString("code", Code);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>Answers the request with this error, when nothing of a response has been sent yet.</summary>
    public Task WriteAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        response.StatusCode = Status;
        if (Status == StatusCodes.Status503ServiceUnavailable) response.Headers.RetryAfter = "1";
        return JsonBody.WriteAsync(response, WriteTo, cancellationToken);
    }
}
