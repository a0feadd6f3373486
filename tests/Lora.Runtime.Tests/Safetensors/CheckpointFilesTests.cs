using Lora.Runtime.Safetensors;
using Xunit;

namespace Lora.Runtime.Tests.Safetensors;

/// <summary>Resolving a Hugging Face model folder to its safetensors weights.</summary>
public sealed class CheckpointFilesTests : IDisposable
{
    private const string Shard1 = "model-00001-of-00002.safetensors";
    private const string Shard2 = "model-00002-of-00002.safetensors";
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Folder_with_model_safetensors_resolves_to_that_file()
    {
        var tensors = WriteShard(CheckpointFiles.SingleFileName, "embed", "norm");

        using var checkpoint = CheckpointFiles.Open(_folder.Path);

        Assert.Null(checkpoint.IndexPath);
        Assert.Equal([_folder.File(CheckpointFiles.SingleFileName)], checkpoint.ShardPaths);
        Assert.Equal(["embed", "norm"], checkpoint.TensorNames);
        var norm = checkpoint.Get("norm");
        Assert.Equal(tensors[1].Bytes.ToArray(), norm.File.GetBytes(norm.Entry).ToArray());
    }

    [Fact]
    public void Sharded_checkpoint_gives_one_lookup_over_both_shards()
    {
        var first = WriteShard(Shard1, "embed", "layer.0");
        var second = WriteShard(Shard2, "layer.1", "norm");
        WriteIndex(("embed", Shard1), ("layer.0", Shard1), ("layer.1", Shard2), ("norm", Shard2));

        using var checkpoint = CheckpointFiles.Open(_folder.Path);

        Assert.Equal(_folder.File(CheckpointFiles.IndexFileName), checkpoint.IndexPath);
        Assert.Equal([_folder.File(Shard1), _folder.File(Shard2)], checkpoint.ShardPaths);
        Assert.Equal(["embed", "layer.0", "layer.1", "norm"], checkpoint.TensorNames);
        var layer0 = checkpoint.Get("layer.0");
        var norm = checkpoint.Get("norm");
        Assert.Equal(_folder.File(Shard1), layer0.File.Path);
        Assert.Equal(_folder.File(Shard2), norm.File.Path);
        Assert.Equal(first[1].Bytes.ToArray(), layer0.File.GetBytes(layer0.Entry).ToArray());
        Assert.Equal(second[1].Bytes.ToArray(), norm.File.GetBytes(norm.Entry).ToArray());
        checkpoint.ValidateAllShards();
    }

    [Fact]
    public void Shards_are_opened_only_when_one_of_their_tensors_is_asked_for()
    {
        var first = WriteShard(Shard1, "embed");
        _folder.Write(Shard2, "not a safetensors file"u8.ToArray());
        WriteIndex(("embed", Shard1), ("norm", Shard2));

        using var checkpoint = CheckpointFiles.Open(_folder.Path);
        var embed = checkpoint.Get("embed");

        Assert.Equal(first[0].Bytes.ToArray(), embed.File.GetBytes(embed.Entry).ToArray());
        var ex = Assert.Throws<SafetensorsFormatException>(() => checkpoint.Get("norm"));
        Assert.Equal(_folder.File(Shard2), ex.FilePath);
    }

    [Fact]
    public void Model_safetensors_wins_over_an_index_as_in_transformers()
    {
        WriteShard(CheckpointFiles.SingleFileName, "single");
        WriteIndex(("sharded", Shard1));

        using var checkpoint = CheckpointFiles.Open(_folder.Path);

        Assert.Equal(["single"], checkpoint.TensorNames);
    }

    [Fact]
    public void Index_pointing_to_a_missing_shard_is_refused_naming_the_shard()
    {
        WriteShard(Shard1, "embed");
        var index = WriteIndex(("embed", Shard1), ("layer.1", Shard2), ("norm", Shard2));

        var ex = Assert.Throws<SafetensorsFormatException>(() => CheckpointFiles.Open(_folder.Path));

        Assert.Equal(index, ex.FilePath);
        Assert.StartsWith($"{index}: the index names shard files that are not in {_folder.Path}: '{Shard2}' (2 tensors, e.g. 'layer.1')", ex.Message);
    }

    [Fact]
    public void Tensor_listed_in_the_index_but_missing_from_its_shard_is_reported()
    {
        WriteShard(Shard1, "embed");
        var index = WriteIndex(("embed", Shard1), ("ghost", Shard1));

        using var checkpoint = CheckpointFiles.Open(_folder.Path);
        var ex = Assert.Throws<SafetensorsFormatException>(() => checkpoint.Get("embed"));

        Assert.Equal("ghost", ex.TensorName);
        Assert.StartsWith($"{index}: tensor 'ghost': the index assigns the tensor to shard '{Shard1}' but that shard has no such tensor", ex.Message);
    }

    [Fact]
    public void Tensor_in_a_shard_but_not_in_the_index_is_reported()
    {
        WriteShard(Shard1, "embed", "stray");
        WriteIndex(("embed", Shard1));

        using var checkpoint = CheckpointFiles.Open(_folder.Path);
        var ex = Assert.Throws<SafetensorsFormatException>(checkpoint.ValidateAllShards);

        Assert.Equal(_folder.File(Shard1), ex.FilePath);
        Assert.Equal("stray", ex.TensorName);
        Assert.Contains("the shard holds the tensor but the index", ex.Message);
        Assert.Contains("does not list it", ex.Message);
    }

    [Fact]
    public void Tensor_found_in_a_different_shard_than_the_index_says_is_reported()
    {
        WriteShard(Shard1, "embed", "norm");
        WriteShard(Shard2, "layer");
        WriteIndex(("embed", Shard1), ("layer", Shard2), ("norm", Shard2));

        using var checkpoint = CheckpointFiles.Open(_folder.Path);
        var ex = Assert.Throws<SafetensorsFormatException>(() => checkpoint.Get("embed"));

        Assert.Equal("norm", ex.TensorName);
        Assert.Contains($"assigns it to shard '{Shard2}'", ex.Message);
    }

    [Theory]
    [InlineData("""{"metadata": {"total_size": 8}}""", "the index has no \"weight_map\" object")]
    [InlineData("""{"weight_map": ["a"]}""", "\"weight_map\" must be an object mapping tensor names to shard file names, found an array")]
    [InlineData("""{"weight_map": {}}""", "\"weight_map\" lists no tensors")]
    [InlineData("""{"weight_map": {"a": 1}}""", "tensor 'a': \"weight_map\" must map the tensor to a shard file name, found number 1")]
    [InlineData("""{"weight_map": {"a": "s.safetensors", "a": "s.safetensors"}}""", "tensor 'a': \"weight_map\" lists the tensor twice")]
    [InlineData("""{"weight_map": {"a": "../outside.safetensors"}}""", "assigns the tensor to \"../outside.safetensors\", which is not a file name inside the checkpoint folder")]
    [InlineData("""{"weight_map": {"a": "s.safetensors"}, "weight_map": {}}""", "the index lists the key \"weight_map\" twice")]
    [InlineData("""{"weight_map": {"a": "s.safetensors"} """, "the index is not valid JSON")]
    [InlineData("""[]""", "the index must be a JSON object with a \"weight_map\" object, found an array")]
    public void Malformed_index_is_refused_naming_the_index_and_the_problem(string json, string problem)
    {
        var index = _folder.WriteText(CheckpointFiles.IndexFileName, json);

        var ex = Assert.Throws<SafetensorsFormatException>(() => CheckpointFiles.Open(_folder.Path));

        Assert.Equal(index, ex.FilePath);
        Assert.StartsWith(index + ": ", ex.Message);
        Assert.Contains(problem, ex.Message);
    }

    [Theory]
    [InlineData("pytorch_model.bin")]
    [InlineData("consolidated.00.pth")]
    [InlineData("weights.pt")]
    public void Pickle_only_folder_is_refused_with_the_reason_and_the_conversion_command(string pickleFile)
    {
        _folder.Write(pickleFile, [0x80, 0x02]);

        var ex = Assert.Throws<CheckpointFolderException>(() => CheckpointFiles.Open(_folder.Path));

        Assert.Equal(_folder.Path, ex.FolderPath);
        Assert.StartsWith($"{_folder.Path}: the weights are PyTorch pickle files ({pickleFile})", ex.Message);
        Assert.Contains("unpickling runs code stored in the file", ex.Message);
        Assert.Contains(
            $"python -c \"from transformers import AutoModelForCausalLM as M; M.from_pretrained('{_folder.Path}').save_pretrained('{_folder.Path}', safe_serialization=True)\"",
            ex.Message);
    }

    [Fact]
    public void Folder_without_weights_lists_what_was_looked_for()
    {
        _folder.WriteText("config.json", "{}");
        _folder.Write("adapter_model.safetensors", [0]);

        var ex = Assert.Throws<CheckpointFolderException>(() => CheckpointFiles.Open(_folder.Path));

        Assert.StartsWith($"{_folder.Path}: no model weights found. Looked for model.safetensors, model.safetensors.index.json (sharded weights) and PyTorch pickle files (*.bin, *.pt, *.pth, *.ckpt).", ex.Message);
        Assert.Contains("other safetensors files (adapter_model.safetensors)", ex.Message);
    }

    [Fact]
    public void Missing_folder_is_reported()
    {
        var missing = _folder.File("nowhere");

        var ex = Assert.Throws<DirectoryNotFoundException>(() => CheckpointFiles.Open(missing));

        Assert.Contains(missing, ex.Message);
    }

    [Fact]
    public void Unknown_tensor_lists_the_closest_names_without_opening_shards()
    {
        WriteShard(Shard1, "model.layers.0.mlp.up_proj.weight");
        _folder.Write(Shard2, "not a safetensors file"u8.ToArray());
        var index = WriteIndex(("model.layers.0.mlp.up_proj.weight", Shard1), ("model.norm.weight", Shard2));

        using var checkpoint = CheckpointFiles.Open(_folder.Path);
        var ex = Assert.Throws<KeyNotFoundException>(() => checkpoint.Get("model.layers.0.up_proj.weight"));

        Assert.False(checkpoint.Contains("model.layers.0.up_proj.weight"));
        Assert.StartsWith($"{index}: no tensor named 'model.layers.0.up_proj.weight'; it has 2 tensors; the closest names are 'model.layers.0.mlp.up_proj.weight', 'model.norm.weight'", ex.Message);
    }

    [Fact]
    public void Lookup_after_dispose_is_refused()
    {
        WriteShard(CheckpointFiles.SingleFileName, "w");
        var checkpoint = CheckpointFiles.Open(_folder.Path);
        checkpoint.Dispose();

        Assert.Throws<ObjectDisposedException>(() => checkpoint.Get("w"));
    }

    private List<TensorToWrite> WriteShard(string fileName, params string[] names)
    {
        var tensors = names.Select((name, i) => RawSafetensors.RandomTensor(name, SafetensorsDType.F32, [i + 2], seed: name.GetHashCode(StringComparison.Ordinal))).ToList();
        SafetensorsWriter.Write(_folder.File(fileName), tensors);
        return tensors;
    }

    private string WriteIndex(params (string Tensor, string Shard)[] weightMap)
    {
        var entries = string.Join(",\n    ", weightMap.Select(p => $"\"{p.Tensor}\": \"{p.Shard}\""));
        return _folder.WriteText(CheckpointFiles.IndexFileName, $$"""
            {
              "metadata": {"total_size": 1234},
              "weight_map": {
                {{entries}}
              }
            }
            """);
    }
}
