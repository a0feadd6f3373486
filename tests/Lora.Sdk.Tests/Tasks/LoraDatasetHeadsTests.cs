using Lora.Sdk.Tasks;
using Microsoft.Build.Utilities;

namespace Lora.Sdk.Tests.Tasks;

/// <summary>The compiler gets a dataset's checked lines, never the whole file: LoraDatasetHeads copies them to a head.</summary>
public sealed class LoraDatasetHeadsTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("lora-heads-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    (LoraDatasetHeads Task, RecordingBuildEngine Engine) Run(params string[] datasets)
    {
        var engine = new RecordingBuildEngine();
        var task = new LoraDatasetHeads { BuildEngine = engine, Datasets = datasets.Select(d => new TaskItem(d)).ToArray(), OutputDirectory = Path.Combine(_folder, "obj") };
        Assert.True(task.Execute());
        return (task, engine);
    }

    [Fact]
    public void A_large_dataset_becomes_a_head_of_its_first_twenty_rows_with_its_line_numbers_and_its_path()
    {
        var dataset = Path.Combine(_folder, "train.jsonl");
        using (var writer = new StreamWriter(dataset))
        {
            writer.Write("\r\n");   // a blank first line: the head keeps it, so line numbers stay the dataset's
            for (int i = 0; i < 200_000; i++) writer.Write($"{{\"text\": \"row {i} {new string('x', 200)}\"}}\r\n");
        }

        var (task, _) = Run(dataset);

        var head = Assert.Single(task.Heads);
        Assert.Equal(dataset, head.GetMetadata("LoraSourcePath"));
        var lines = File.ReadAllText(head.ItemSpec).Split('\n');
        Assert.Equal(22, lines.Length);   // the blank line, 20 rows, and the empty string after the last newline
        Assert.Equal("", lines[0]);
        Assert.StartsWith("{\"text\": \"row 0 ", lines[1]);
        Assert.StartsWith("{\"text\": \"row 19 ", lines[20]);
        Assert.True(new FileInfo(head.ItemSpec).Length < 8_000, $"{new FileInfo(dataset).Length:N0} bytes of data made a head of {new FileInfo(head.ItemSpec).Length:N0}");
    }

    [Fact]
    public void A_line_longer_than_a_head_carries_ends_the_head_before_it()
    {
        var dataset = Path.Combine(_folder, "long.jsonl");
        File.WriteAllText(dataset, "{\"text\": \"short\"}\n{\"text\": \"" + new string('y', (1 << 20) + 10) + "\"}\n{\"text\": \"after\"}\n");

        var (task, _) = Run(dataset);

        Assert.Equal("{\"text\": \"short\"}\n", File.ReadAllText(Assert.Single(task.Heads).ItemSpec));
    }

    [Fact]
    public void Datasets_of_one_name_in_two_folders_get_two_heads_and_an_unchanged_head_is_not_rewritten()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "a"));
        Directory.CreateDirectory(Path.Combine(_folder, "b"));
        File.WriteAllText(Path.Combine(_folder, "a", "train.jsonl"), "{\"text\": \"a\"}\n");
        File.WriteAllText(Path.Combine(_folder, "b", "train.jsonl"), "{\"text\": \"b\"}\n");

        var (first, _) = Run(Path.Combine(_folder, "a", "train.jsonl"), Path.Combine(_folder, "b", "train.jsonl"));
        var written = first.Heads.Select(h => File.GetLastWriteTimeUtc(h.ItemSpec)).ToList();
        Thread.Sleep(20);
        var (second, _) = Run(Path.Combine(_folder, "a", "train.jsonl"), Path.Combine(_folder, "b", "train.jsonl"));

        Assert.Equal(2, first.Heads.Select(h => h.ItemSpec).Distinct().Count());
        Assert.Equal(["{\"text\": \"a\"}\n", "{\"text\": \"b\"}\n"], first.Heads.Select(h => File.ReadAllText(h.ItemSpec)));
        Assert.Equal(written, second.Heads.Select(h => File.GetLastWriteTimeUtc(h.ItemSpec)));
    }
}
