extern alias gen;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ExperimentGenerator = gen::Lora.Generators.ExperimentGenerator;

namespace Lora.Generators.Tests.Infrastructure;

/// <summary>A virtual project under <see cref="Fixtures.ProjectDirectory"/>: sources, AdditionalFiles and build properties, run through the generator.</summary>
internal sealed class TestProject
{
    /// <summary>C# 14 parse options.</summary>
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview);

    private readonly List<(string Path, string Text)> _sources = new();
    private readonly Dictionary<string, string> _files = new(Fixtures.DefaultFiles);
    private IReadOnlyList<AdditionalText>? _texts;
    private readonly Dictionary<string, Dictionary<string, string>> _fileMetadata = new();
    private IReadOnlyList<MetadataReference> _references = References.All;
    private readonly Dictionary<string, string> _properties = new()
    {
        ["build_property.MSBuildProjectDirectory"] = Fixtures.ProjectDirectory,
    };

    /// <summary>Adds a source file.</summary>
    /// <param name="text">The source.</param>
    /// <param name="path">Its path; the first defaults to Experiments.cs.</param>
    /// <returns>This project.</returns>
    public TestProject WithSource(string text, string? path = null)
    {
        _sources.Add((path ?? (_sources.Count == 0 ? Fixtures.SourcePath : Fixtures.ProjectDirectory + "/Source" + _sources.Count + ".cs"), text));
        return this;
    }

    /// <summary>Adds or replaces an AdditionalFiles entry.</summary>
    /// <param name="relativePath">The path under the project directory.</param>
    /// <param name="text">The content.</param>
    /// <returns>This project.</returns>
    public TestProject WithFile(string relativePath, string text)
    {
        _files[relativePath] = text;
        return this;
    }

    /// <summary>Gives a model folder a chat_template.jinja, so that Chat datasets on it are not on a model without a template (LORA0070).</summary>
    /// <param name="modelFolder">The model folder under the project directory.</param>
    /// <param name="template">The template; the runtime's ChatML by default, which renders any roles.</param>
    /// <returns>This project.</returns>
    public TestProject WithChatTemplate(string modelFolder = "models/tiny-llama", string template = Fixtures.ChatMlTemplate) =>
        WithFile(modelFolder + "/chat_template.jinja", template);

    /// <summary>Sets an AdditionalFiles entry's metadata visible to the generator (build_metadata.AdditionalFiles.&lt;name&gt;).</summary>
    /// <param name="relativePath">The entry's path under the project directory.</param>
    /// <param name="name">The metadata name, e.g. LoraSourcePath.</param>
    /// <param name="value">Its value.</param>
    /// <returns>This project.</returns>
    public TestProject WithFileMetadata(string relativePath, string name, string value)
    {
        var path = Fixtures.ProjectDirectory + "/" + relativePath;
        if (!_fileMetadata.TryGetValue(path, out var metadata)) _fileMetadata[path] = metadata = new Dictionary<string, string>();
        metadata["build_metadata.AdditionalFiles." + name] = value;
        return this;
    }

    /// <summary>Removes an AdditionalFiles entry.</summary>
    /// <param name="relativePath">The path under the project directory.</param>
    /// <returns>This project.</returns>
    public TestProject WithoutFile(string relativePath)
    {
        _files.Remove(relativePath);
        return this;
    }

    /// <summary>Sets an MSBuild property visible to the generator.</summary>
    /// <param name="name">The property, e.g. LoraMemoryBudget.</param>
    /// <param name="value">Its value.</param>
    /// <returns>This project.</returns>
    public TestProject WithProperty(string name, string value)
    {
        _properties["build_property." + name] = value;
        return this;
    }

    /// <summary>References Lora.Runtime too, as a Lora.Sdk project does (the generator then writes CreateChatClient).</summary>
    /// <returns>This project.</returns>
    public TestProject WithRuntime()
    {
        _references = References.WithRuntime;
        return this;
    }

    /// <summary>Builds the compilation without generated code.</summary>
    /// <returns>The compilation.</returns>
    public CSharpCompilation Compilation() => CSharpCompilation.Create(
        "App",
        _sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, ParseOptions, s.Path)),
        _references,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>The AdditionalFiles as the driver sees them (created on first use).</summary>
    /// <returns>The additional texts.</returns>
    public IReadOnlyList<AdditionalText> AdditionalTexts() =>
        _texts ??= _files.Select(f => (AdditionalText)new InMemoryAdditionalText(Fixtures.ProjectDirectory + "/" + f.Key, f.Value)).ToList();

    /// <summary>Creates a driver with this project's AdditionalFiles and properties, tracking steps.</summary>
    /// <returns>The driver.</returns>
    public GeneratorDriver Driver() => CSharpGeneratorDriver.Create(
        new[] { new ExperimentGenerator().AsSourceGenerator() },
        AdditionalTexts(),
        ParseOptions,
        new GlobalOptionsProvider(_properties, _fileMetadata),
        new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator.</summary>
    /// <returns>The run.</returns>
    public GeneratorRun Run()
    {
        var input = Compilation();
        var driver = Driver().RunGeneratorsAndUpdateCompilation(input, out var output, out var diagnostics);
        return new GeneratorRun(driver, input, output, diagnostics);
    }

    /// <summary>Runs the generator over a marked-up source and checks that the LORA diagnostics are exactly the marked ones and that the result compiles.</summary>
    /// <param name="markup">The experiment source with <c>{|ID:text|}</c> markers.</param>
    /// <returns>The run.</returns>
    public GeneratorRun Verify(string markup)
    {
        var source = Markup.Parse(markup, out var expected);
        var run = WithSource(source).Run();
        var actual = run.Lora
            .Select(d => $"{d.Id} at '{source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length)}' ({d.Location.SourceSpan.Start}): {d.GetMessage()}")
            .OrderBy(s => s, StringComparer.Ordinal)
            .ToList();
        var wanted = expected
            .Select(e => $"{e.Id} at '{source.Substring(e.Span.Start, e.Span.Length)}' ({e.Span.Start})")
            .OrderBy(s => s, StringComparer.Ordinal)
            .ToList();
        var matches = wanted.Count == actual.Count && wanted.Zip(actual).All(p => p.Second.StartsWith(p.First + ":", StringComparison.Ordinal));
        Assert.True(matches, "Expected:\n  " + string.Join("\n  ", wanted) + "\nActual:\n  " + string.Join("\n  ", actual));
        Assert.Empty(run.CompileErrors);
        return run;
    }
}
