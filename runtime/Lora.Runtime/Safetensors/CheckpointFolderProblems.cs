namespace Lora.Runtime.Safetensors;

/// <summary>The explanations for a model folder without loadable weights.</summary>
internal static class CheckpointFolderProblems
{
    // Extensions under which PyTorch saves with pickle (torch.save); *.ckpt is Lightning's.
    private static readonly string[] PicklePatterns = ["*.bin", "*.pt", "*.pth", "*.ckpt"];

    public static CheckpointFolderException NoSafetensorsWeights(string folder)
    {
        var pickles = PicklePatterns
            .SelectMany(pattern => Directory.EnumerateFiles(folder, pattern))
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (pickles.Count > 0)
        {
            return new CheckpointFolderException(folder,
                $"{folder}: the weights are PyTorch pickle files ({string.Join(", ", pickles.Take(5))}{(pickles.Count > 5 ? ", …" : "")}), " +
                $"and there is no {CheckpointFiles.SingleFileName} or {CheckpointFiles.IndexFileName}. Lora.Sdk does not load pickle files: " +
                "unpickling runs code stored in the file, so a downloaded checkpoint could run anything on this machine. " +
                "Convert the checkpoint to safetensors once, with Python, and only if you trust its source:" + Environment.NewLine +
                $"  python -c \"from transformers import AutoModelForCausalLM as M; M.from_pretrained('{PythonLiteral(folder)}').save_pretrained('{PythonLiteral(folder)}', safe_serialization=True)\"");
        }

        var otherSafetensors = Directory.EnumerateFiles(folder, "*.safetensors").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var hint = otherSafetensors.Count > 0
            ? $" The folder has other safetensors files ({string.Join(", ", otherSafetensors.Take(5))}), but model weights are looked up by those names only (an adapter folder is opened as an adapter, not as a model)."
            : "";
        return new CheckpointFolderException(folder,
            $"{folder}: no model weights found. Looked for {CheckpointFiles.SingleFileName}, {CheckpointFiles.IndexFileName} (sharded weights) " +
            $"and PyTorch pickle files ({string.Join(", ", PicklePatterns)}).{hint}");
    }

    // The folder goes inside a single-quoted Python string in the suggested command.
    private static string PythonLiteral(string path) => path.Replace(@"\", @"\\").Replace("'", @"\'");
}
