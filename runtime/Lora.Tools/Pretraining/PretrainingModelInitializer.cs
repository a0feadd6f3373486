using Lora.Runtime.Models;
using static TorchSharp.torch;

namespace Lora.Tools.Pretraining;

/// <summary>
/// A freshly initialised model of the recipe's shape, as GPT-2 initialises one: every matrix N(0, initStd²),
/// the projections that write into the residual stream (<c>o_proj</c>, <c>down_proj</c>) N(0, (initStd/√(2·layers))²)
/// so the stream's variance does not grow with depth, and every RMSNorm weight 1. Seeded by the recipe.
/// </summary>
public static class PretrainingModelInitializer
{
    public static CausalLanguageModel Create(PretrainingRecipe recipe)
    {
        var config = ModelConfig.Parse(recipe.Architecture.ToConfigJson());
        manual_seed(recipe.Seed);
        var model = ModelLoader.Create(config, recipe.TrainingScalarType);
        double residualStd = recipe.InitStd / Math.Sqrt(2.0 * config.NumLayers);
        using (no_grad())
            foreach (var (key, parameter) in model.BaseParameters())
            {
                if (key.EndsWith("norm.weight", StringComparison.Ordinal)) parameter.fill_(1.0);
                else if (key.EndsWith("o_proj.weight", StringComparison.Ordinal) || key.EndsWith("down_proj.weight", StringComparison.Ordinal))
                    parameter.normal_(0, residualStd);
                else parameter.normal_(0, recipe.InitStd);
            }
        return model;
    }

    /// <summary>Parameters of the model, each tied matrix counted once.</summary>
    public static long ParameterCount(CausalLanguageModel model) => model.BaseParameters().Sum(p => p.Value.numel());
}
