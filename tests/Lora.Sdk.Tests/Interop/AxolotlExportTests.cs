using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Lora.Sdk.Tests.Infrastructure;

namespace Lora.Sdk.Tests.Interop;

/// <summary>
/// Issue 20: `lora export axolotl` on the template's experiment, as made and with --qlora: every key written is one
/// Axolotl's configuration schema documents (<see cref="AxolotlKeys"/>), the values are the experiment's, the dataset is in
/// the shape its Axolotl type reads; settings Axolotl cannot express are refused by name.
/// </summary>
[Collection(SdkCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed partial class AxolotlExportTests(PackedSdk sdk)
{
    [Fact]
    public void The_templates_experiment_exports_to_documented_Axolotl_keys_with_its_settings_and_rendered_rows()
    {
        var project = sdk.FromTemplate("AxolotlLora");
        var (yaml, folder) = Export(project);

        Assert.Equal("\"lora\"", yaml[("", "adapter")]);
        Assert.Equal("16", yaml[("", "lora_r")]);
        Assert.Equal("32", yaml[("", "lora_alpha")]);
        Assert.Equal("0.05", yaml[("", "lora_dropout")]);
        Assert.Equal("128", yaml[("", "sequence_len")]);
        Assert.Equal("1000", yaml[("", "max_steps")]);
        Assert.Equal("0.001", yaml[("", "learning_rate")]);
        Assert.Equal("\"cosine\"", yaml[("", "lr_scheduler")]);
        Assert.Equal("50", yaml[("", "warmup_steps")]);
        Assert.Equal("16", yaml[("", "micro_batch_size")]);
        Assert.Equal("0.1", yaml[("", "val_set_size")]);
        Assert.Equal("\"adamw_torch\"", yaml[("", "optimizer")]);
        Assert.False(yaml.ContainsKey(("", "load_in_4bit")));
        Assert.Equal(7, Regex.Matches(File.ReadAllText(Path.Combine(folder, "axolotl.yaml")), "^  - \"(q|k|v|o|gate|up|down)_proj\"$", RegexOptions.Multiline).Count);
        // The built-in base model as the folder the runtime reads it from.
        Assert.True(File.Exists(Path.Combine(JsonNode.Parse(yaml[("", "base_model")])!.GetValue<string>(), "config.json")));

        // Rows rendered with the experiment's Prompt and Completion templates, one per data line.
        string datasetPath = TemplateSource.DatasetPath(project.Read("Experiment.cs"));
        var source = File.ReadAllLines(project.Path(datasetPath)).Where(l => l.Trim().Length > 0).ToList();
        var rows = File.ReadAllLines(Path.Combine(folder, "data", "train.jsonl"));
        Assert.Equal(source.Count, rows.Length);
        var first = JsonNode.Parse(source[0])!;
        var exported = JsonNode.Parse(rows[0])!;
        Assert.Equal($"Subject: {first["subject"]}\n{first["body"]}\nSpam:", exported["prompt"]!.GetValue<string>());
        Assert.Equal($" {first["spam"]}", exported["completion"]!.GetValue<string>());
    }

    [Fact]
    public void A_QLoRA_experiment_exports_as_qlora_in_4_bits_and_settings_Axolotl_lacks_are_refused_by_name()
    {
        var project = sdk.FromTemplate("AxolotlQLora", "--qlora");
        var (yaml, _) = Export(project);
        Assert.Equal("\"qlora\"", yaml[("", "adapter")]);
        Assert.Equal("true", yaml[("", "load_in_4bit")]);

        project.Replace("Experiment.cs", @"DoubleQuant = true", "DoubleQuant = false");
        project.Replace("Experiment.cs", @"Dropout = 0\.05,", "Dropout = 0.05, Bias = LoraBias.All,");
        project.Build("-p:LoraTrainOnBuild=false").ShouldSucceed();
        var refused = DotNetCli.Run(project.Directory, sdk.Environment, TimeSpan.FromMinutes(2),
            LoraProgram.Path(), "export", "axolotl", "--assembly", Assembly(project), "--out", project.Path("axolotl-refused")).ShouldFail();
        refused.ShouldSay("Axolotl cannot express", "[Quantize] DoubleQuant = false", "[LoraAdapter] Bias = All");
        Assert.False(Directory.Exists(project.Path("axolotl-refused")));
    }

    /// <summary>Compiles the project (no training), exports it, checks every key against <see cref="AxolotlKeys"/>, and returns
    /// the keys with their values as written (by the mapping that holds them: "" at the top, else the parent key).</summary>
    (Dictionary<(string Parent, string Key), string> Yaml, string Folder) Export(ScratchProject project)
    {
        project.Build("-p:LoraTrainOnBuild=false").ShouldSucceed();
        string folder = project.Path("axolotl");
        DotNetCli.Run(project.Directory, sdk.Environment, TimeSpan.FromMinutes(2),
            LoraProgram.Path(), "export", "axolotl", "--assembly", Assembly(project), "--out", folder).ShouldSucceed().ShouldSay("axolotl.yaml");
        var yaml = Keys(File.ReadAllText(Path.Combine(folder, "axolotl.yaml")));
        var undocumented = yaml.Keys.Where(k => !AxolotlKeys.IsDocumented(k.Parent, k.Key)).Select(k => $"{k.Parent}/{k.Key}").ToList();
        Assert.True(undocumented.Count == 0, "keys Axolotl does not document: " + string.Join(", ", undocumented));
        return (yaml, folder);
    }

    static string Assembly(ScratchProject project) =>
        project.Path("bin", "Debug", "net10.0", System.IO.Path.GetFileName(project.Directory) + ".dll");

    /// <summary>Every "key: value" line of the YAML with the key of the mapping above it ("" at the top level).</summary>
    static Dictionary<(string Parent, string Key), string> Keys(string yaml)
    {
        var keys = new Dictionary<(string, string), string>();
        var open = new List<(int Indent, string Key)>();
        foreach (var line in yaml.Split('\n'))
        {
            var match = KeyLine().Match(line);
            if (!match.Success) continue;
            int indent = match.Groups["indent"].Length + match.Groups["item"].Length;
            open.RemoveAll(o => o.Indent >= indent);
            keys[(open.Count == 0 ? "" : open[^1].Key, match.Groups["key"].Value)] = match.Groups["value"].Value.Trim();
            open.Add((indent, match.Groups["key"].Value));
        }
        return keys;
    }

    [GeneratedRegex(@"^(?<indent> *)(?<item>- )?(?<key>[A-Za-z_][A-Za-z0-9_]*):(?<value>.*)$")]
    private static partial Regex KeyLine();
}
