using System.Text.Json.Nodes;
using Lora.Tools.Pretraining;

namespace Lora.Runtime.Tests.Tools.Pretraining;

public sealed class RecipeFileTests : IDisposable
{
    readonly TempFolder _temp = new();

    string Folder => _temp.Path;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_recipe_survives_a_round_trip_through_recipe_json()
    {
        var recipe = ShippedRecipe.Load();
        var path = Path.Combine(Folder, RecipeFile.FileName);
        File.WriteAllText(path, RecipeFile.Serialize(recipe));

        var loaded = RecipeFile.Load(path);

        Assert.Equal(RecipeFile.Serialize(recipe), RecipeFile.Serialize(loaded));
        Assert.Equal(recipe.Architecture, loaded.Architecture);
    }

    [Fact]
    public void A_missing_setting_is_an_error_naming_it()
    {
        var json = JsonNode.Parse(RecipeFile.Serialize(ShippedRecipe.Load()))!.AsObject();
        json.Remove("seed");
        var path = Path.Combine(Folder, RecipeFile.FileName);
        File.WriteAllText(path, json.ToJsonString());

        var error = Assert.Throws<PretrainingException>(() => RecipeFile.Load(path));

        Assert.Contains("seed", error.Message);
    }

    [Fact]
    public void A_setting_out_of_range_is_an_error_naming_the_field()
    {
        var recipe = ShippedRecipe.Load() with { SequenceLength = 4096, WarmupSteps = -1 };
        var path = Path.Combine(Folder, RecipeFile.FileName);
        File.WriteAllText(path, RecipeFile.Serialize(recipe));

        var error = Assert.Throws<PretrainingException>(() => RecipeFile.Load(path));

        Assert.Contains("sequenceLength 4096", error.Message);
        Assert.Contains("warmupSteps -1", error.Message);
    }
}
