using System.Linq;
using Lora.Generators.Json;

namespace Lora.Generators.Files
{
    /// <summary>Reads a Hugging Face config.json into <see cref="ModelConfigFile"/>, with GPT-2's own key names.</summary>
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

            var modelType = root.Get("model_type") is { Kind: JsonKind.String } type ? type.Text : null;
            if (modelType is null)
            {
                return new ModelConfigFile(null, null, "it has no \"model_type\" string");
            }

            if (ModelFamilies.Find(modelType) is null)
            {
                return new ModelConfigFile(modelType, null, null);
            }

            return modelType == "gpt2" ? ReadGpt2(root, modelType) : ReadDecoder(root, modelType);
        }

        private static ModelConfigFile ReadDecoder(JsonNode root, string modelType)
        {
            var hidden = Int(root, "hidden_size");
            var layers = Int(root, "num_hidden_layers");
            var heads = Int(root, "num_attention_heads");
            var intermediate = Int(root, "intermediate_size");
            var vocab = Int(root, "vocab_size");
            var missing = Missing(("hidden_size", hidden), ("num_hidden_layers", layers), ("num_attention_heads", heads), ("intermediate_size", intermediate), ("vocab_size", vocab));
            if (missing is not null)
            {
                return new ModelConfigFile(modelType, null, missing);
            }

            // The runtime's RoPE rules: another rope_type is refused here, at compile time, not when training starts.
            var rope = root.Get("rope_parameters") is { Kind: JsonKind.Object } parameters ? parameters : root.Get("rope_scaling") is { Kind: JsonKind.Object } scaling ? scaling : null;
            var ropeType = rope?.Get("rope_type") is { Kind: JsonKind.String } named ? named.Text : rope?.Get("type") is { Kind: JsonKind.String } old ? old.Text : null;
            if (ropeType is not null && !ModelFamilies.RopeTypes.Contains(ropeType))
            {
                return new ModelConfigFile(modelType, null, "its rope type '" + ropeType + "' is not supported yet (expected one of " + string.Join(", ", ModelFamilies.RopeTypes) + ")");
            }

            var kvHeads = Int(root, "num_key_value_heads") ?? heads!.Value;
            var headDim = Int(root, "head_dim") ?? (hidden!.Value / heads!.Value);
            var tied = root.Get("tie_word_embeddings") is { Kind: JsonKind.Boolean } tie && tie.Number != 0;
            var positions = Int(root, "max_position_embeddings") ?? 0;
            return new ModelConfigFile(modelType, new ModelDimensions(modelType, vocab!.Value, hidden!.Value, layers!.Value, intermediate!.Value, heads!.Value, kvHeads, headDim, tied, positions), null);
        }

        private static ModelConfigFile ReadGpt2(JsonNode root, string modelType)
        {
            var hidden = Int(root, "n_embd");
            var layers = Int(root, "n_layer");
            var heads = Int(root, "n_head");
            var vocab = Int(root, "vocab_size");
            var missing = Missing(("n_embd", hidden), ("n_layer", layers), ("n_head", heads), ("vocab_size", vocab));
            if (missing is not null)
            {
                return new ModelConfigFile(modelType, null, missing);
            }

            var inner = Int(root, "n_inner") ?? (4 * hidden!.Value);
            var tied = root.Get("tie_word_embeddings") is not { Kind: JsonKind.Boolean } tie || tie.Number != 0;
            var positions = Int(root, "n_positions") ?? 1024;
            return new ModelConfigFile(modelType, new ModelDimensions(modelType, vocab!.Value, hidden!.Value, layers!.Value, inner, heads!.Value, heads.Value, hidden.Value / heads.Value, tied, positions), null);
        }

        private static int? Int(JsonNode root, string name) =>
            root.Get(name) is { Kind: JsonKind.Number, IsInteger: true } node && node.Number > 0 && node.Number <= int.MaxValue ? (int)node.Number : null;

        private static string? Missing(params (string Name, int? Value)[] fields)
        {
            foreach (var (name, value) in fields)
            {
                if (value is null)
                {
                    return "it has no positive integer \"" + name + "\"";
                }
            }

            return null;
        }
    }
}
