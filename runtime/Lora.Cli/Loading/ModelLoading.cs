using Lora.Runtime.Merge;
using Lora.Runtime.Models;
using Lora.Runtime.Peft;
using Lora.Runtime.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Lora.Cli.Loading;

/// <summary>Loads a base model and, when given, a PEFT adapter over it (active, or merged into the weights).</summary>
public static class ModelLoading
{
    /// <summary>The name the verbs give the one adapter they load; PEFT's default name.</summary>
    public const string AdapterName = "default";

    /// <param name="modelFolder">The Hugging Face model folder.</param>
    /// <param name="adapterFolder">A PEFT adapter folder, or null for the base model alone.</param>
    /// <param name="dtype">Compute dtype of the base weights.</param>
    /// <param name="merge">Fold the adapter into the base weights (W + scale·B·A) instead of running it beside them.</param>
    /// <param name="device">Where the model computes (<see cref="Devices.Resolve"/>: cpu, cuda, cuda:N, auto); the adapter follows it.</param>
    public static CausalLanguageModel Load(string modelFolder, string? adapterFolder, ScalarType dtype, bool merge, string device = "cpu")
    {
        var on = Devices.Resolve(device, out _);   // a missing GPU fails here, before the model is read
        var model = ModelLoader.Load(modelFolder, dtype);
        try
        {
            model.to(on);
            if (adapterFolder is null) return model;
            PeftAdapter.Load(model, adapterFolder, AdapterName);
            if (merge) MergeAdapter(model, adapterFolder);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Merges the loaded adapter; the merge refuses non-finite results with an InvalidOperationException, which is the user's adapter at fault.</summary>
    public static void MergeAdapter(CausalLanguageModel model, string adapterFolder)
    {
        try
        {
            LoraMerge.Merge(model, AdapterName);
        }
        catch (InvalidOperationException e)
        {
            throw new CommandInputException($"{adapterFolder}: {e.Message}");
        }
    }
}
