using System.CommandLine;
using Lora.Cli.Arguments;
using Lora.Runtime.Experiments;
using Lora.Runtime.Interop;

namespace Lora.Cli.Commands;

/// <summary>
/// <c>lora export axolotl --assembly DLL [--experiment NAME] --out DIR [--overwrite]</c>: the experiment a compiled project
/// declares, as an Axolotl configuration (DIR/axolotl.yaml) with its dataset in Axolotl's shape (DIR/data/), for Axolotl's
/// multi-GPU launchers. Settings Axolotl cannot express are refused by name.
/// </summary>
public static class AxolotlExportCommand
{
    public static Command Create()
    {
        var assembly = new Option<string>("--assembly") { Description = "The compiled project that declares the experiment (bin/…/Project.dll).", HelpName = "DLL", Required = true };
        var experiment = new Option<string?>("--experiment") { Description = "The experiment (name, or name/variant); needed when the project declares several.", HelpName = "NAME" };
        var output = new Option<string>("--out") { Description = "The folder to write: axolotl.yaml and data/.", HelpName = "DIR", Required = true };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace --out when it already exists and is not empty." };
        var axolotl = new Command("axolotl", "Write an experiment as an Axolotl configuration (YAML) with its dataset in Axolotl's format.")
        {
            assembly, experiment, output, overwrite,
        };
        axolotl.SetAction(parse =>
        {
            string folder = parse.GetRequiredValue(output);
            OutputPaths.CheckFolder(folder, parse.GetValue(overwrite), new OutputPaths.Input("--assembly", parse.GetRequiredValue(assembly)));
            var config = ProjectExperiment.Find(parse.GetRequiredValue(assembly), parse.GetValue(experiment));
            var (train, eval) = AxolotlExport.Write(config, folder);
            parse.InvocationConfiguration.Output.WriteLine(
                $"Wrote {Path.Combine(folder, AxolotlExport.ConfigFile)} for {config.FullName} ({train} training rows{(eval > 0 ? $", {eval} evaluation rows" : "")} in {Path.Combine(folder, "data")}).");
            return CliApp.Success;
        });
        return axolotl;
    }
}
