namespace Lora.Generators.Files
{
    /// <summary>
    /// How much of a dataset the generator checks, and how the build hands it over: the Lora.Sdk copies each JSONL file's
    /// first lines to a small head file under obj/ (the LoraDatasetHeads task) and passes that as the AdditionalFiles entry,
    /// with the dataset's own path as metadata, so the compiler never loads a whole dataset. Compiled into the generator and
    /// into Lora.Sdk.Tasks, the two sides of that hand-over.
    /// </summary>
    internal static class DatasetHead
    {
        /// <summary>How many non-blank lines of a dataset are checked.</summary>
        public const int Lines = 20;

        /// <summary>The longest line a head carries, in characters; a longer one ends the head (the runtime still reads it).</summary>
        public const int MaxLineLength = 1 << 20;

        /// <summary>The AdditionalFiles metadata naming the dataset a head file was copied from.</summary>
        public const string SourcePathMetadata = "LoraSourcePath";

        /// <summary>How the compiler exposes <see cref="SourcePathMetadata"/> to generators (CompilerVisibleItemMetadata).</summary>
        public const string SourcePathKey = "build_metadata.AdditionalFiles." + SourcePathMetadata;
    }
}
