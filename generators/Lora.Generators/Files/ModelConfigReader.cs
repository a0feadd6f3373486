using Lora.Generators.Json;

namespace Lora.Generators.Files
{
    /// <summary>
    /// Reads a Hugging Face config.json into <see cref="ModelConfigFile"/> through the reader the runtime uses
    /// (<see cref="ModelConfigParser"/>), so that a file the runtime would refuse is a compile-time error (LORA0041, or LORA0056
    /// for a setting Lora does not implement).
    /// </summary>
    internal static class ModelConfigReader
    {
        /// <summary>Parses the config.</summary>
        /// <param name="json">The file's text.</param>
        /// <returns>The model type and sizes, or an error.</returns>
        public static ModelConfigFile Read(string json)
        {
            var parsed = JsonReader.Parse(json);
            if (parsed.Value is not { Kind: JsonKind.Object } root)
            {
                return new ModelConfigFile(null, null, parsed.Error is null ? "it is not a JSON object" : "it is not valid JSON (" + parsed.Error + ")");
            }

            // Only the problem is kept: the diagnostic names the file as the [BaseModel] attribute wrote it.
            const string FileName = "config.json";
            var config = JsonNodeConfigValue.Of(root)!;
            string? modelType = null;
            try
            {
                modelType = ModelConfigParser.ModelType(config, FileName);
                if (ModelFamilies.Find(modelType) is null)
                {
                    return new ModelConfigFile(modelType, null, null);
                }

                return new ModelConfigFile(modelType, ModelConfigParser.Parse(config, FileName).Dimensions, null);
            }
            catch (ModelConfigException e)
            {
                return new ModelConfigFile(modelType, null, e.Problem, e.IsUnsupported);
            }
        }
    }
}
