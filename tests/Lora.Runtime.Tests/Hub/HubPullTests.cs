using System.Text;
using System.Text.Json.Nodes;
using Lora.HubTesting;
using Lora.Runtime.Hub;

namespace Lora.Runtime.Tests.Hub;

/// <summary>
/// Pulling a model from a hub served on the loopback interface the way huggingface.co serves one (resolve addresses,
/// relative and CDN redirects, X-Repo-Commit, ETag and X-Linked-Etag, a gated repository, 404s, a transfer cut midway):
/// the cache it fills is laid out as Python's, holds what training needs and nothing else, and every blob matches its hash.
/// </summary>
public sealed class HubPullTests : IDisposable
{
    static readonly HubModelId Tiny = HubModelId.TryParse("org/tiny")!;
    readonly TempFolder _dir = new();
    readonly LoopbackHub _hub = new();
    readonly Dictionary<string, byte[]> _files = LoopbackHub.FilesOf(RepoPaths.Fixture("tiny-llama", "base"));
    readonly List<string> _messages = [];

    public HubPullTests()
    {
        _files["chat_template.jinja"] = "{% for m in messages %}{{ m['content'] }}{% endfor %}"u8.ToArray();
        _files["tokenizer_config.json"] = "{\"eos_token\": \"</s>\"}"u8.ToArray();
    }

    HubCache Cache => new(_dir.Child("hub"));

    /// <summary>The repository with the training files and files training does not need (other weight formats, a README).</summary>
    string Publish(string id = "org/tiny", bool gated = false)
    {
        var repo = _hub.Add(id, gated);
        var files = new Dictionary<string, byte[]>(_files)
        {
            ["README.md"] = "# tiny"u8.ToArray(),
            ["pytorch_model.bin"] = new byte[4096],
            ["onnx/model.onnx"] = new byte[100],
        };
        return repo.Commit(files);
    }

    Task<HubSnapshot> Pull(string id = "org/tiny", string revision = "main", string? token = null)
    {
        var client = new HubClient(_hub.Endpoint, token, token is null ? "" : "HF_TOKEN", retryDelay: TimeSpan.FromMilliseconds(10));
        return new HubPull(Cache, client, new Recorder(_messages)).PullAsync(HubModelId.TryParse(id)!, revision, CancellationToken.None);
    }

    [Fact]
    public async Task A_pull_fills_a_cache_laid_out_as_pythons_with_what_training_needs()
    {
        string commit = Publish();

        var snapshot = await Pull(token: LoopbackHub.Token);

        string repo = Cache.ModelFolder(Tiny);
        Assert.Equal(Path.Combine(_dir.Child("hub"), "models--org--tiny", "snapshots", commit), snapshot.Folder);
        Assert.Equal(commit, File.ReadAllText(Path.Combine(repo, "refs", "main")));
        // Only what training reads: no other weight format, no README, nothing in a subfolder.
        Assert.Equal(_files.Keys.Order(StringComparer.Ordinal), Directory.GetFiles(snapshot.Folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var (file, bytes) in _files)
        {
            // Each file a relative link to its blob, named by sha256 (LFS) or git blob sha1 (regular files), as Python links it.
            var link = new FileInfo(Path.Combine(snapshot.Folder, file));
            Assert.Equal("../../blobs/" + LoopbackHub.Etag(file, bytes), link.LinkTarget);
            Assert.Equal(bytes, File.ReadAllBytes(link.FullName));
        }
        Assert.Equal(LoopbackHub.Sha256(_files["model.safetensors"]), Path.GetFileName(new FileInfo(Path.Combine(snapshot.Folder, "model.safetensors")).LinkTarget));
        Assert.Empty(Directory.GetFiles(Path.Combine(repo, "blobs"), "*.incomplete"));
        Assert.Equal(snapshot, Cache.Find(Tiny, "main"));

        // The hub's protocol: the file list from the API, metadata by HEAD at the commit, the relative redirect of regular
        // files followed to the resolve cache, the LFS file fetched from the CDN, which never sees the token.
        Assert.Single(_hub.RequestsTo("/api/models/org/tiny/revision/main"));
        Assert.All(_hub.RequestsTo("/org/tiny/resolve/"), r => Assert.StartsWith($"/org/tiny/resolve/{commit}/", r.Path));
        Assert.All(_hub.RequestsTo("/org/tiny/resolve/"), r => Assert.Equal("Bearer " + LoopbackHub.Token, r.Header("Authorization")));
        Assert.Contains(_hub.RequestsTo("/api/resolve-cache/models/org/tiny/"), r => r.Method == "GET" && r.Path.EndsWith("/config.json", StringComparison.Ordinal));
        var cdn = Assert.Single(_hub.RequestsTo("/cdn/"));
        Assert.Null(cdn.Header("Authorization"));
        Assert.StartsWith("localhost:", cdn.Header("Host"));

        // Pulled again: nothing is downloaded.
        int before = _hub.Requests.Count(r => r.Method == "GET" && r.Path.Contains("/cdn/"));
        await Pull();
        Assert.Equal(before, _hub.Requests.Count(r => r.Method == "GET" && r.Path.Contains("/cdn/")));
    }

    [Fact]
    public async Task A_gated_model_answers_401_with_a_message_naming_HF_TOKEN_and_downloads_with_the_token()
    {
        Publish("org/gated", gated: true);

        var refused = await Assert.ThrowsAsync<HubException>(() => Pull("org/gated"));
        Assert.Equal(401, refused.StatusCode);
        Assert.Contains("org/gated (revision main): the hub answered 401: the model is gated or private.", refused.Message);
        Assert.Contains("set HF_TOKEN to it", refused.Message);
        Assert.Contains("Access to model org/gated is restricted", refused.Message);   // the hub's own words

        var wrongToken = await Assert.ThrowsAsync<HubException>(() => Pull("org/gated", token: "hf_wrong"));
        Assert.Contains("The token from HF_TOKEN was sent and is not allowed this model", wrongToken.Message);

        var snapshot = await Pull("org/gated", token: LoopbackHub.Token);
        Assert.Equal(_files["model.safetensors"], File.ReadAllBytes(Path.Combine(snapshot.Folder, "model.safetensors")));
    }

    [Fact]
    public async Task A_missing_model_or_revision_answers_404_with_a_message_naming_the_id_and_revision()
    {
        Publish();

        var noModel = await Assert.ThrowsAsync<HubException>(() => Pull("org/absent"));
        Assert.Equal(404, noModel.StatusCode);
        Assert.Contains($"model org/absent (revision main) was not found on {_hub.Endpoint}", noModel.Message);

        var noRevision = await Assert.ThrowsAsync<HubException>(() => Pull("org/tiny", "v9"));
        Assert.Equal(404, noRevision.StatusCode);
        Assert.Contains("revision 'v9' of org/tiny was not found", noRevision.Message);
        Assert.False(Directory.Exists(Cache.ModelFolder(HubModelId.TryParse("org/absent")!)));
    }

    [Fact]
    public async Task A_transfer_cut_midway_resumes_with_a_range_request_and_the_blob_matches_its_sha256()
    {
        Publish();
        _hub.CutOnce["model.safetensors"] = true;

        var snapshot = await Pull();

        var transfers = _hub.RequestsTo("/cdn/").Where(r => r.Method == "GET").ToList();
        Assert.Equal(2, transfers.Count);
        Assert.Null(transfers[0].Header("Range"));
        long resumedAt = long.Parse(transfers[1].Header("Range")!["bytes=".Length..^1]);
        Assert.InRange(resumedAt, 1, _files["model.safetensors"].Length - 1);
        Assert.Contains(_messages, m => m.StartsWith("model.safetensors: the transfer broke off at", StringComparison.Ordinal));
        Assert.Equal(_files["model.safetensors"], File.ReadAllBytes(Path.Combine(snapshot.Folder, "model.safetensors")));
    }

    [Fact]
    public async Task A_download_an_earlier_run_left_incomplete_resumes_from_its_length()
    {
        Publish();
        var weights = _files["model.safetensors"];
        string blobs = Path.Combine(Cache.ModelFolder(Tiny), "blobs");
        Directory.CreateDirectory(blobs);
        File.WriteAllBytes(Path.Combine(blobs, LoopbackHub.Sha256(weights) + ".incomplete"), weights[..1000]);

        var snapshot = await Pull();

        var transfer = Assert.Single(_hub.RequestsTo("/cdn/"), r => r.Method == "GET");
        Assert.Equal("bytes=1000-", transfer.Header("Range"));
        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(snapshot.Folder, "model.safetensors")));
    }

    [Fact]
    public async Task A_file_whose_bytes_do_not_match_its_etag_is_discarded_and_the_ref_is_not_written()
    {
        Publish();
        _hub.Corrupted["model.safetensors"] = true;

        var error = await Assert.ThrowsAsync<HubException>(() => Pull());

        Assert.Contains("org/tiny: model.safetensors does not match its checksum (sha256", error.Message);
        string repo = Cache.ModelFolder(Tiny);
        Assert.Empty(Directory.GetFiles(Path.Combine(repo, "blobs"), LoopbackHub.Sha256(_files["model.safetensors"]) + "*"));
        Assert.False(File.Exists(Path.Combine(repo, "refs", "main")));
        Assert.Null(Cache.Find(Tiny, "main"));
    }

    [Fact]
    public async Task A_regular_file_is_checked_against_its_git_blob_sha1()
    {
        Publish();
        _hub.Corrupted["config.json"] = true;

        var error = await Assert.ThrowsAsync<HubException>(() => Pull());

        Assert.Contains("config.json does not match its checksum (git blob sha1", error.Message);
    }

    [Fact]
    public async Task A_sharded_model_pulls_the_shards_its_index_names_and_not_a_consolidated_copy()
    {
        var index = new JsonObject
        {
            ["metadata"] = new JsonObject { ["total_size"] = 8 },
            ["weight_map"] = new JsonObject { ["a"] = "model-00001-of-00002.safetensors", ["b"] = "model-00002-of-00002.safetensors", ["c"] = "model-00001-of-00002.safetensors" },
        };
        string commit = _hub.Add("org/sharded").Commit(new Dictionary<string, byte[]>
        {
            ["config.json"] = _files["config.json"],
            ["model.safetensors.index.json"] = Encoding.UTF8.GetBytes(index.ToJsonString()),
            ["model-00001-of-00002.safetensors"] = [1, 2, 3, 4],
            ["model-00002-of-00002.safetensors"] = [5, 6, 7, 8],
            ["consolidated.safetensors"] = new byte[64],
        });

        var snapshot = await Pull("org/sharded");

        Assert.Equal(["config.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "model.safetensors.index.json"],
            Directory.GetFiles(snapshot.Folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Empty(TrainingFiles.Missing(snapshot.Folder));
        Assert.Equal(commit, snapshot.Commit);
    }

    [Fact]
    public async Task A_repository_without_safetensors_weights_is_refused_before_anything_large_is_fetched()
    {
        _hub.Add("org/bin-only").Commit(new Dictionary<string, byte[]> { ["config.json"] = _files["config.json"], ["pytorch_model.bin"] = new byte[64] });

        var error = await Assert.ThrowsAsync<HubException>(() => Pull("org/bin-only"));

        Assert.Contains("org/bin-only@main has no safetensors weights", error.Message);
        Assert.Empty(_hub.RequestsTo("/cdn/"));
    }

    public void Dispose()
    {
        _hub.Dispose();
        _dir.Dispose();
    }

    sealed class Recorder(List<string> messages) : IPullProgress
    {
        public void Message(string text)
        {
            lock (messages) messages.Add(text);
        }

        public void Transferred(string file, long done, long total) { }
    }
}
