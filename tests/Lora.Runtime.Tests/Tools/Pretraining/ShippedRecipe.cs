using Lora.Tools.Pretraining;

namespace Lora.Runtime.Tests.Tools.Pretraining;

/// <summary>The built-in model as the runtime ships it: the folder copied beside the runtime assembly.</summary>
internal static class ShippedRecipe
{
    public static string ModelFolder => Path.Combine(AppContext.BaseDirectory, "models", "lora-tiny-en");

    public static PretrainingRecipe Load() => RecipeFile.Load(Path.Combine(ModelFolder, RecipeFile.FileName));
}
