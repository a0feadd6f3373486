namespace Lora.Runtime.Tests;

/// <summary>A fresh folder under the system temp folder, deleted at dispose: the one temp helper of these tests.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder() => Path = Directory.CreateTempSubdirectory("lora-test-").FullName;

    public string Path { get; }

    public string Child(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public string File(string name) => Child(name);

    public string Write(string name, byte[] content)
    {
        var path = Child(name);
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    public string WriteText(string name, string content)
    {
        var path = Child(name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public string[] FileNames() =>
        Directory.EnumerateFiles(Path).Select(System.IO.Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    /// <summary>Copies the files of <paramref name="source"/> into a new child folder <paramref name="name"/>.</summary>
    public string CopyOf(string source, string name)
    {
        var target = Child(name);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source))
            System.IO.File.Copy(file, System.IO.Path.Combine(target, System.IO.Path.GetFileName(file)));
        return target;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* A leftover temp folder must not fail a test that passed. */ }
    }
}
