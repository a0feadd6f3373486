using System.Reflection;

namespace Lora.Runtime.Tests.Contract;

/// <summary>
/// What compiles is what runs. For every setting of every experiment attribute, an experiment with that setting changed is
/// compiled by the real generator and run by the build host; the change must change what the runtime does (its log, its
/// plan in run.json, the adapter, the merged model, the evaluation) against the unchanged experiment, or be a diagnostic
/// the generator gives at that argument. A setting dropped on its way from the attribute to the runtime fails here.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class SettingsReachTheRuntimeTests
{
    /// <summary>Attributes that are not experiment settings: the registry is generated; a sweep varies the settings walked here.</summary>
    static readonly Type[] NotSettings = [typeof(Lora.ExperimentRegistryAttribute), typeof(Lora.SweepAttribute)];

    [Fact]
    public void The_cases_change_every_setting_of_every_attribute()
    {
        var settings = typeof(Lora.ExperimentConfig).Assembly.GetExportedTypes()
            .Where(t => typeof(Attribute).IsAssignableFrom(t) && !t.IsAbstract && !NotSettings.Contains(t))
            .SelectMany(t => t.GetProperties().Where(p => p.DeclaringType != typeof(Attribute)).Select(p => $"{AttributeName(t)}.{p.Name}"))
            .Order().ToList();
        var covered = SettingCases.All.Select(c => $"{c.Attribute}.{c.Setting}").Distinct().Order().ToList();
        Assert.Equal(settings, covered);
    }

    [Fact]
    public void Every_changed_setting_changes_what_the_runtime_does_or_is_reported_at_its_argument()
    {
        Lora.Runtime.Native.TorchNative.EnsureLoaded();
        using var project = new TempFolder();
        ContractProject.WriteTo(project);
        // The baselines' base model is the model id org/model, which the runtime finds where HF_HUB_CACHE says.
        using var hub = new Hub.HubVariables(ContractProject.HubCache(project), offline: true);
        var baselines = new Dictionary<string, RuntimeObservation>();
        int runs = 0;
        RuntimeObservation Observe(string source, string what)
        {
            var compiled = ExperimentCompiler.Compile(project.Path, source, ContractProject.HubCache(project));
            Assert.True(compiled.Compiled, $"{what} does not compile: {compiled.Describe()}");
            return RuntimeObservation.Of(Assert.Single(compiled.Configs), project.Child("artifacts", $"run{++runs}"));
        }
        foreach (var (name, lines) in SettingCases.Baselines)
        {
            var baseline = Observe(SettingCases.Source(lines), $"the {name} experiment");
            Assert.True(baseline.Exit == 0, $"the {name} experiment failed: {baseline.Error}");
            baselines[name] = baseline;
        }
        // The observation is only a test if it is the same for the same experiment: run one baseline again.
        var again = Observe(SettingCases.Source(SettingCases.Baselines[SettingCases.Alpaca]), "the alpaca experiment");
        Assert.Equal(baselines[SettingCases.Alpaca].Facts, again.Facts);

        var failures = new List<string>();
        foreach (var c in SettingCases.All)
        {
            var source = SettingCases.Source(c);
            Assert.Contains(c.Argument, source);
            if (c.Reported is { } id)
            {
                var compiled = ExperimentCompiler.Compile(project.Path, source, ContractProject.HubCache(project));
                if (!compiled.Diagnostics.Any(d => d.Id == id && compiled.At(d).Contains(c.Argument)))
                    failures.Add($"{c}: expected {id} at the argument; the generator gave: {(compiled.Diagnostics.Count == 0 ? "nothing" : compiled.Describe())}");
                continue;
            }
            var compiledCase = ExperimentCompiler.Compile(project.Path, source, ContractProject.HubCache(project));
            if (!compiledCase.Compiled)
            {
                failures.Add($"{c}: does not compile: {compiledCase.Describe()}");
                continue;
            }
            var observed = RuntimeObservation.Of(Assert.Single(compiledCase.Configs), project.Child("artifacts", $"run{++runs}"));
            if (observed.Exit == 1)
                failures.Add($"{c}: compiles, then fails at run time: {observed.Error}");
            else if (observed.Facts.SequenceEqual(baselines[c.Baseline].Facts))
                failures.Add($"{c}: compiles and runs, but the runtime does nothing differently: the setting is dropped on the way");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {SettingCases.All.Count} changed settings:\n" + string.Join("\n", failures));
    }

    /// <summary>The attribute as written in source: Dataset, Dataset&lt;TRow&gt;, LoraAdapter.</summary>
    static string AttributeName(Type attribute)
    {
        var name = attribute.Name[..attribute.Name.IndexOf("Attribute", StringComparison.Ordinal)];
        return attribute.IsGenericTypeDefinition ? name + "<" + string.Join(", ", attribute.GetGenericArguments().Select(a => a.Name)) + ">" : name;
    }
}
