using Lora.HubTesting;
using Lora.Runtime.Tests.Cli;

namespace Lora.Runtime.Tests.Hub;

/// <summary>
/// <c>lora pull</c> against a hub on the loopback interface, and <c>--model ORG/NAME[@REVISION]</c> of the other verbs
/// reading what it pulled; HF_HUB_OFFLINE=1 downloads nothing.
/// </summary>
public sealed class PullCommandTests : IDisposable
{
    readonly TempFolder _dir = new();
    readonly LoopbackHub _hub = new();
    readonly string _commit;

    public PullCommandTests()
    {
        var files = LoopbackHub.FilesOf(RepoPaths.Fixture("tiny-llama", "base"));
        _commit = _hub.Add("org/tiny").Commit(files);
    }

    string Cache => _dir.Child("hub");

    [Fact]
    public void Lora_pull_prints_the_snapshot_and_the_verbs_take_the_model_by_id()
    {
        using (new HubVariables(Cache))
        {
            var pull = CliRun.Of("pull", "org/tiny", "--endpoint", _hub.Endpoint).AssertSucceeded();
            string snapshot = Path.Combine(Cache, "models--org--tiny", "snapshots", _commit);
            Assert.Equal([snapshot], pull.StdoutLines);
            Assert.Contains($"lora: pulling org/tiny@main from {_hub.Endpoint} into {Cache}", pull.Stderr);
            Assert.Contains("lora: model.safetensors: 595.4 KiB of 595.4 KiB (100%)", pull.Stderr);

            var inspect = CliRun.Of("inspect", "org/tiny").AssertSucceeded();
            Assert.Contains("llama", inspect.Stdout);
            var generate = CliRun.Of("generate", "--model", $"org/tiny@{_commit}", "--ids", "1,2,3", "--max-new-tokens", "2").AssertSucceeded();
            Assert.StartsWith("[1,2,3,", generate.StdoutLines[0]);
        }
    }

    [Fact]
    public void A_model_id_that_is_not_in_the_cache_names_the_pull_command()
    {
        using (new HubVariables(Cache))
        {
            CliRun.Of("inspect", "org/tiny").AssertFailedWith("inspect org/tiny: no such folder, and org/tiny (revision main) is not in the Hugging Face cache");
            CliRun.Of("generate", "--model", "org/tiny@v2", "--ids", "1", "--max-new-tokens", "1").AssertFailedWith("Download it with `lora pull org/tiny --revision v2`");
        }
    }

    [Fact]
    public void With_HF_HUB_OFFLINE_a_cached_model_is_printed_without_asking_the_hub_and_a_missing_one_is_an_error()
    {
        using (new HubVariables(Cache, endpoint: _hub.Endpoint))
            CliRun.Of("pull", "org/tiny").AssertSucceeded();
        int requests = _hub.Requests.Count;

        using (new HubVariables(Cache, endpoint: _hub.Endpoint, offline: true))
        {
            var cached = CliRun.Of("pull", "org/tiny").AssertSucceeded();
            Assert.Contains("HF_HUB_OFFLINE is set: org/tiny@main (commit " + _commit + ") is in the cache, nothing downloaded", cached.Stderr);
            CliRun.Of("pull", "org/other").AssertFailedWith("lora: error: org/other (revision main) is not in the Hugging Face cache");
            CliRun.Of("pull", "org/other").AssertFailedWith("where the hub can be reached (HF_HUB_OFFLINE is set here, so nothing is downloaded)");
        }
        Assert.Equal(requests, _hub.Requests.Count);
    }

    [Fact]
    public void Lora_pull_reports_a_gated_model_and_a_bad_id_as_errors()
    {
        _hub.Add("org/gated", gated: true).Commit(LoopbackHub.FilesOf(RepoPaths.Fixture("tiny-llama", "base")));
        using (new HubVariables(Cache, endpoint: _hub.Endpoint))
        {
            CliRun.Of("pull", "org/gated").AssertFailedWith("lora: error: org/gated (revision main): the hub answered 401: the model is gated or private.");
            CliRun.Of("pull", "not-an-id").AssertFailedWith("'not-an-id' is not a model id; expected ORG/NAME");
            CliRun.Of("pull", "org/tiny", "--revision", "../x").AssertFailedWith("--revision: its parts between slashes must be names");
        }
        using (new HubVariables(Cache, endpoint: _hub.Endpoint, token: LoopbackHub.Token))
            CliRun.Of("pull", "org/gated").AssertSucceeded();
    }

    public void Dispose()
    {
        _hub.Dispose();
        _dir.Dispose();
    }
}
