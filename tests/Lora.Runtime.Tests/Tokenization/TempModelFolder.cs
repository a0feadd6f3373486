namespace Lora.Runtime.Tests.Tokenization;

/// <summary>A throwaway model folder: copies of checked-in tokenizer files plus config files a test writes.</summary>
internal sealed class TempModelFolder : IDisposable
{
    public TempModelFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "lora-tok-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>A folder holding a copy of every file of the test data folder <paramref name="testDataName"/>.</summary>
    public static TempModelFolder CopyOf(string testDataName)
    {
        var folder = new TempModelFolder();
        foreach (var file in Directory.EnumerateFiles(TokenizerTestData.Folder(testDataName)))
        {
            if (!file.EndsWith(".md", StringComparison.Ordinal))
            {
                File.Copy(file, System.IO.Path.Combine(folder.Path, System.IO.Path.GetFileName(file)));
            }
        }
        return folder;
    }

    public string Write(string fileName, string content)
    {
        string path = System.IO.Path.Combine(Path, fileName);
        File.WriteAllText(path, content);
        return path;
    }

    public string FilePath(string fileName) => System.IO.Path.Combine(Path, fileName);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder must not fail the test that used it.
        }
    }
}
