using System.CommandLine;
using Lora.Cli.Arguments;
using Lora.Runtime.Interop;

namespace Lora.Cli.Commands;

/// <summary>
/// <c>lora import adapter --assembly DLL [--experiment NAME] --adapter DIR [--artifacts DIR] [--device D]</c>: a PEFT adapter
/// trained elsewhere (Axolotl's output after <c>lora export axolotl</c>) becomes the experiment's trained adapter, so that the
/// next build merges, evaluates and reports it instead of training.
/// </summary>
public static class ImportCommand
{
    public static Command Create()
    {
        var assembly = new Option<string>("--assembly") { Description = "The compiled project that declares the experiment.", HelpName = "DLL", Required = true };
        var experiment = new Option<string?>("--experiment") { Description = "The experiment (name, or name/variant); needed when the project declares several.", HelpName = "NAME" };
        var adapter = new Option<string>("--adapter") { Description = "The PEFT adapter folder (adapter_config.json, adapter_model.safetensors).", HelpName = "DIR", Required = true };
        var artifacts = new Option<string>("--artifacts") { Description = "The project's artifacts root (LoraArtifactsDir).", HelpName = "DIR", DefaultValueFactory = _ => Path.Combine("artifacts", "lora") };
        var device = CliOptions.Device();
        var import = new Command("adapter", "Make a PEFT adapter trained elsewhere the experiment's trained adapter; the next build merges and evaluates it.")
        {
            assembly, experiment, adapter, artifacts, device,
        };
        import.SetAction(parse =>
        {
            var config = ProjectExperiment.Find(parse.GetRequiredValue(assembly), parse.GetValue(experiment));
            var paths = AdapterImport.Import(config, parse.GetRequiredValue(adapter), Path.GetFullPath(parse.GetRequiredValue(artifacts)), parse.GetRequiredValue(device));
            parse.InvocationConfiguration.Output.WriteLine(
                $"Imported {parse.GetRequiredValue(adapter)} as the trained adapter of {config.FullName} ({paths.Adapter}); the next build merges, evaluates and reports it.");
            return CliApp.Success;
        });
        return new Command("import", "Bring work done by another trainer back into an experiment.") { import };
    }
}
