using Lora.Runtime.Chat;
using Lora.Runtime.Native;
using Lora.Runtime.Tests.Chat;

namespace Lora.Runtime.Tests.Cli.Serving;

/// <summary>
/// One <c>lora serve</c> for the tests of a class: the built-in lora-tiny-en with two adapters of its own (<c>alpha</c> and
/// <c>beta</c>, B factors from two seeds), on loopback by default, replies of at most <see cref="MaxTokens"/> tokens and bodies
/// of at most <see cref="MaxBodyBytes"/> bytes; and a <see cref="LoraChatClient"/> over the same folders, in-process, for
/// what the replies must be.
/// </summary>
public sealed class ServeFixture : IAsyncLifetime
{
    public const string BaseModel = "lora-tiny-en";
    public const int MaxTokens = 16;
    public const int MaxBodyBytes = 4096;

    readonly TempFolder _folder = new();

    public static string ModelFolder => Path.Combine(AppContext.BaseDirectory, "models", BaseModel);

    internal RunningServe Server { get; private set; } = null!;

    /// <summary>The same model and adapters, answering in-process.</summary>
    public LoraChatClient Reference { get; private set; } = null!;

    public string AlphaFolder { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        TorchNative.EnsureLoaded();
        AlphaFolder = TinyChatModel.WriteAdapter(_folder, ModelFolder, "alpha", seed: 1);
        string beta = TinyChatModel.WriteAdapter(_folder, ModelFolder, "beta", seed: 2);
        Server = await RunningServe.StartAsync("--model", ModelFolder, "--adapter", $"alpha={AlphaFolder}", "--adapter", $"beta={beta}",
            "--max-tokens", MaxTokens.ToString(), "--max-body-bytes", MaxBodyBytes.ToString());
        Reference = new LoraChatClient(ModelFolder, new Dictionary<string, string> { ["alpha"] = AlphaFolder, ["beta"] = beta });
    }

    public async Task DisposeAsync()
    {
        int exitCode = await Server.StopAsync();
        Reference?.Dispose();
        _folder.Dispose();
        Assert.True(exitCode == 0, $"lora serve exited {exitCode} when stopped.\n{Server.Log}");
    }
}
