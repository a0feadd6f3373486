using System.Net;
using System.Net.Sockets;
using System.Text;
using Lora.Runtime.Native;

namespace Lora.Runtime.Tests.Cli.Serving;

/// <summary>
/// <c>lora serve --max-concurrent-requests 1</c>: while one request is admitted (here, one whose body has not all arrived) the
/// next is refused at once with 503 and Retry-After, and is answered again once the first is gone; and the verb's own
/// arguments are checked before any model loads.
/// </summary>
public sealed class ServeConcurrencyTests
{
    const string Request = "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"max_tokens\": 1}";

    public ServeConcurrencyTests() => TorchNative.EnsureLoaded();

    [Fact]
    public async Task A_request_beyond_the_concurrency_limit_gets_503_until_a_slot_frees()
    {
        await using var serve = await RunningServe.StartAsync("--model", ServeFixture.ModelFolder, "--max-concurrent-requests", "1");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var url = new Uri(serve.BaseUrl + "/chat/completions");

        // A request whose body is still coming holds the one slot. It may itself be turned away when a request of the loop
        // below took the slot first (then it has an answer waiting): it is sent again until it holds the slot.
        TcpClient? slow = null;
        HttpResponseMessage? busy = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (busy is null)
        {
            if (slow is null || slow.Available > 0)
            {
                slow?.Dispose();
                slow = new TcpClient();
                await slow.ConnectAsync(IPAddress.Loopback, serve.Address.Port);
                var stream = slow.GetStream();
                await stream.WriteAsync(Encoding.ASCII.GetBytes(
                    $"POST /v1/chat/completions HTTP/1.1\r\nHost: {serve.Address.Authority}\r\nContent-Type: application/json\r\nContent-Length: {Request.Length}\r\n\r\n{Request[..5]}"));
                await stream.FlushAsync();
            }
            var response = await http.PostAsync(url, new StringContent(Request, Encoding.UTF8, "application/json"));
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable) busy = response;
            else
            {
                Assert.True(DateTime.UtcNow < deadline, $"no 503 within 30 s; the last answer was {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                response.Dispose();
                await Task.Delay(50);
            }
        }
        Assert.Equal("1", busy.Headers.RetryAfter?.ToString());
        await ServeCommandTests.AssertError(busy, 503, "server_busy", null);

        slow!.Close();
        var answered = await Until(http, url, HttpStatusCode.OK);
        Assert.Contains("\"chat.completion\"", await answered.Content.ReadAsStringAsync());
        Assert.Equal(0, await serve.StopAsync());
    }

    /// <summary>Posts <see cref="Request"/> until the answer has <paramref name="status"/> (the server sees the slow request's
    /// headers a moment after they are sent, and frees its slot a moment after it closes).</summary>
    static async Task<HttpResponseMessage> Until(HttpClient http, Uri url, HttpStatusCode status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var response = await http.PostAsync(url, new StringContent(Request, Encoding.UTF8, "application/json"));
            if (response.StatusCode == status) return response;
            Assert.True(DateTime.UtcNow < deadline, $"no {(int)status} within 30 s; the last answer was {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            response.Dispose();
            await Task.Delay(50);
        }
    }

    [Theory]
    [InlineData("--host", "example.org", "--host 'example.org': expected an IP address")]
    [InlineData("--port", "70000", "--port is 70000")]
    [InlineData("--max-tokens", "0", "--max-tokens is 0")]
    [InlineData("--max-body-bytes", "0", "--max-body-bytes is 0")]
    [InlineData("--max-concurrent-requests", "0", "--max-concurrent-requests is 0")]
    [InlineData("--adapter", "a.b=/nowhere", "contains '.'")]
    [InlineData("--adapter", "gamma=/no/such/adapter", "no such folder /no/such/adapter")]
    public void A_bad_argument_fails_before_anything_loads(string option, string value, string problem)
    {
        CliRun.Of("serve", "--model", ServeFixture.ModelFolder, option, value).AssertFailedWith(problem);
    }
}
