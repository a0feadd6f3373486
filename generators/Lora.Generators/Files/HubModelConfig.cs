namespace Lora.Generators.Files
{
    /// <summary>
    /// How the build hands the generator a base model named by id (<c>[BaseModel("org/name", Revision = "main")]</c>): the
    /// generator must not touch the file system, so the Lora.Sdk's LoraBaseModels task looks the model up in the Hugging
    /// Face cache (pulling it first when it is missing) and passes the snapshot's config.json as an AdditionalFiles entry
    /// whose metadata names the id and revision. The generator files it under <see cref="Path"/>, a name no file on disk has.
    /// Compiled into the generator and into Lora.Sdk.Tasks, the two sides of that hand-over.
    /// </summary>
    internal static class HubModelConfig
    {
        /// <summary>The AdditionalFiles metadata naming the model a config.json is the snapshot of: <c>org/name@revision</c>.</summary>
        public const string ModelMetadata = "LoraHubModel";

        /// <summary>How the compiler exposes <see cref="ModelMetadata"/> to generators (CompilerVisibleItemMetadata).</summary>
        public const string ModelKey = "build_metadata.AdditionalFiles." + ModelMetadata;

        /// <summary>Between the values of one config.json that several revisions resolve to (main and its commit hash): no revision holds it.</summary>
        public const char Separator = '|';

        /// <summary>The metadata value for a model and revision.</summary>
        /// <param name="id">The model id, <c>org/name</c>.</param>
        /// <param name="revision">The revision as written (default main).</param>
        /// <returns><c>org/name@revision</c>.</returns>
        public static string Value(string id, string revision) => id + "@" + revision;

        /// <summary>The path the generator files a model's config.json under: <c>hub:org/name@revision/config.json</c>.</summary>
        /// <param name="value">The metadata value, <see cref="Value"/>.</param>
        /// <returns>The path.</returns>
        public static string Path(string value) => "hub:" + value + "/config.json";
    }
}
