namespace Lora.Runtime.Safetensors;

/// <summary>
/// The weight files of a Hugging Face model folder, behind one name → (file, entry) lookup: either
/// model.safetensors, or the shards listed by model.safetensors.index.json. Shards are opened on the
/// first lookup of one of their tensors and checked against the index then; <see cref="ValidateAllShards"/>
/// opens and checks all of them at once.
/// </summary>
public sealed class CheckpointFiles : IDisposable
{
    /// <summary>The single-file weights name.</summary>
    public const string SingleFileName = "model.safetensors";

    /// <summary>The index of a sharded checkpoint.</summary>
    public const string IndexFileName = "model.safetensors.index.json";

    private readonly object _gate = new();
    private readonly Dictionary<string, string> _shardOf;
    private readonly Dictionary<string, List<string>> _tensorsByShard;
    private readonly Dictionary<string, SafetensorsFile> _openShards = new(StringComparer.Ordinal);
    private bool _disposed;

    private CheckpointFiles(string folderPath, string? indexPath, IEnumerable<string> shardNames, List<KeyValuePair<string, string>> tensorToShard)
    {
        FolderPath = folderPath;
        IndexPath = indexPath;
        TensorNames = tensorToShard.Select(p => p.Key).ToList();
        _shardOf = tensorToShard.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        _tensorsByShard = shardNames.ToDictionary(s => s, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var (tensor, shard) in tensorToShard)
        {
            _tensorsByShard[shard].Add(tensor);
        }

        ShardPaths = _tensorsByShard.Keys.Select(ShardPath).ToList();
    }

    /// <summary>The model folder.</summary>
    public string FolderPath { get; }

    /// <summary>The index file for a sharded checkpoint; null for a single model.safetensors.</summary>
    public string? IndexPath { get; }

    /// <summary>The weight files, in the order the index first names them.</summary>
    public IReadOnlyList<string> ShardPaths { get; }

    /// <summary>Every tensor name, in file order (single file) or index order (shards).</summary>
    public IReadOnlyList<string> TensorNames { get; }

    /// <summary>
    /// Resolves <paramref name="folderPath"/>: model.safetensors if present (the file Hugging Face
    /// loaders prefer), else model.safetensors.index.json. Pickle-only folders are refused with the
    /// command that converts them.
    /// </summary>
    public static CheckpointFiles Open(string folderPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(folderPath);
        var folder = Path.GetFullPath(folderPath);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Checkpoint folder '{folder}' does not exist.");
        }

        var singleFile = Path.Combine(folder, SingleFileName);
        if (File.Exists(singleFile))
        {
            return OpenSingleFile(folder, singleFile);
        }

        var indexPath = Path.Combine(folder, IndexFileName);
        if (File.Exists(indexPath))
        {
            return OpenSharded(folder, indexPath);
        }

        throw CheckpointFolderProblems.NoSafetensorsWeights(folder);
    }

    /// <summary>Whether the checkpoint has a tensor of that name (no shard is opened).</summary>
    public bool Contains(string name) => _shardOf.ContainsKey(name);

    /// <summary>Finds a tensor, opening its shard if needed; false when the checkpoint has no such tensor.</summary>
    public bool TryGet(string name, out TensorLocation location)
    {
        if (!_shardOf.TryGetValue(name, out var shard))
        {
            location = default;
            return false;
        }

        var file = OpenShard(shard);
        // The shard was checked against the index when it was opened, so the entry is there.
        location = new TensorLocation(file, file.Get(name));
        return true;
    }

    /// <summary>Finds a tensor, opening its shard if needed; throws <see cref="KeyNotFoundException"/> naming the closest available names.</summary>
    public TensorLocation Get(string name) =>
        TryGet(name, out var location)
            ? location
            : throw new KeyNotFoundException($"{IndexPath ?? ShardPaths[0]}: no tensor named '{name}'; {TensorNameSuggestions.Describe(name, TensorNames)}");

    /// <summary>Opens every shard and checks each against the index, so that a broken checkpoint fails before a long load begins.</summary>
    public void ValidateAllShards()
    {
        foreach (var shard in _tensorsByShard.Keys)
        {
            OpenShard(shard);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (var file in _openShards.Values)
            {
                file.Dispose();
            }

            _openShards.Clear();
        }
    }

    private static CheckpointFiles OpenSingleFile(string folder, string path)
    {
        var file = SafetensorsFile.Open(path);
        var checkpoint = new CheckpointFiles(folder, indexPath: null, [SingleFileName],
            file.Entries.Select(e => new KeyValuePair<string, string>(e.Name, SingleFileName)).ToList());
        checkpoint._openShards[SingleFileName] = file;
        return checkpoint;
    }

    private static CheckpointFiles OpenSharded(string folder, string indexPath)
    {
        var index = CheckpointIndex.Read(indexPath);
        var checkpoint = new CheckpointFiles(folder, indexPath, index.WeightMap.Select(p => p.Value).Distinct(), index.WeightMap);
        var missing = checkpoint._tensorsByShard
            .Where(s => !File.Exists(checkpoint.ShardPath(s.Key)))
            .Select(s => $"'{s.Key}' ({s.Value.Count} tensors, e.g. '{s.Value[0]}')")
            .ToList();
        if (missing.Count > 0)
        {
            throw new SafetensorsFormatException(indexPath, null,
                $"the index names shard files that are not in {folder}: {string.Join(", ", missing)}; the download is incomplete or the index belongs to another checkpoint");
        }

        return checkpoint;
    }

    private string ShardPath(string shardName) => Path.Combine(FolderPath, shardName);

    private SafetensorsFile OpenShard(string shardName)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_openShards.TryGetValue(shardName, out var open))
            {
                return open;
            }

            var file = SafetensorsFile.Open(ShardPath(shardName));
            try
            {
                CheckShardAgainstIndex(file, shardName);
            }
            catch
            {
                file.Dispose();
                throw;
            }

            _openShards[shardName] = file;
            return file;
        }
    }

    // The index and the shards are written separately, so they can disagree (a re-saved shard, a
    // hand-edited index); a lookup must never silently read a tensor from the wrong place.
    private void CheckShardAgainstIndex(SafetensorsFile file, string shardName)
    {
        foreach (var tensor in _tensorsByShard[shardName])
        {
            if (!file.TryGet(tensor, out _))
            {
                throw new SafetensorsFormatException(IndexPath!, tensor,
                    $"the index assigns the tensor to shard '{shardName}' but that shard has no such tensor (it has {file.Entries.Count}); the shard and the index do not belong together");
            }
        }

        foreach (var entry in file.Entries)
        {
            if (!_shardOf.TryGetValue(entry.Name, out var listedShard))
            {
                throw new SafetensorsFormatException(file.Path, entry.Name,
                    $"the shard holds the tensor but the index {IndexPath} does not list it; the shard and the index do not belong together");
            }

            if (listedShard != shardName)
            {
                throw new SafetensorsFormatException(file.Path, entry.Name,
                    $"the shard holds the tensor but the index {IndexPath} assigns it to shard '{listedShard}'; a tensor must live in exactly one shard");
            }
        }
    }
}
