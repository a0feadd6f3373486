using Lora.Runtime.Native;

namespace Lora.Runtime.Tests.Native;

public class ElfSymbolPatchTests
{
    static string OriginalLibrary()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");
        if (!File.Exists(path)) path = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(path), $"TorchSharp's native library is not beside the tests: {path}");
        return path;
    }

    [Fact]
    public void Patch_renames_the_one_symbol_and_weakens_its_version()
    {
        var original = File.ReadAllBytes(OriginalLibrary());
        var patched = ElfSymbolPatch.Apply(original, "libLibTorchSharp.so");
        Assert.Equal(original.Length, patched.Length);
        string before = System.Text.Encoding.ASCII.GetString(original), after = System.Text.Encoding.ASCII.GetString(patched);
        Assert.Contains(ElfSymbolPatch.MissingSymbol + "\0", before);
        // .dynstr no longer names it (the .strtab debug copy may); the stand-in takes its place.
        Assert.True(CountOf(after, ElfSymbolPatch.MissingSymbol) < CountOf(before, ElfSymbolPatch.MissingSymbol));
        Assert.True(CountOf(after, ElfSymbolPatch.StandInSymbol + "\0") > CountOf(before, ElfSymbolPatch.StandInSymbol + "\0"));
        int changed = original.Zip(patched).Count(p => p.First != p.Second);
        Assert.InRange(changed, 3, 40);   // the name, one version flag, one version index: nothing else
        // Patching twice is refused: nothing needs GLIBCXX_3.4.32 any more.
        Assert.Throws<InvalidDataException>(() => ElfSymbolPatch.Apply(patched, "again.so"));
    }

    [Fact]
    public void Non_elf_input_is_refused_with_the_file_name()
    {
        var e = Assert.Throws<InvalidDataException>(() => ElfSymbolPatch.Apply(new byte[100], "notes.txt"));
        Assert.Contains("notes.txt", e.Message);
    }

    [Fact]
    public void TorchSharp_loads_and_computes_here()
    {
        TorchNative.EnsureLoaded();
        using var a = TorchSharp.torch.ones(4, 4);
        Assert.Equal(16f, a.matmul(a).sum().item<float>() / 4);
    }

    static int CountOf(string text, string word)
    {
        int count = 0;
        for (int i = text.IndexOf(word, StringComparison.Ordinal); i >= 0; i = text.IndexOf(word, i + 1, StringComparison.Ordinal)) count++;
        return count;
    }
}
