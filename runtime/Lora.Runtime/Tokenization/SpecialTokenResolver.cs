using System.Text.Json;

namespace Lora.Runtime.Tokenization;

/// <summary>
/// Finds BOS, EOS and PAD for a model folder. For each role the first source that mentions it wins:
/// <list type="number">
/// <item><c>tokenizer_config.json</c> "bos_token" / "eos_token" / "pad_token" (a string or {"content": ...});</item>
/// <item><c>special_tokens_map.json</c>, same keys;</item>
/// <item><c>generation_config.json</c> "bos_token_id" / "eos_token_id" / "pad_token_id" (an int or a list: the first is used);</item>
/// <item><c>config.json</c>, same keys;</item>
/// <item>the tokenizer format's own default (a SentencePiece model's &lt;s&gt;/&lt;/s&gt;/pad ids, GPT-2's "&lt;|endoftext|&gt;").</item>
/// </list>
/// Token strings come first because they are what the tokenizer itself (Hugging Face's AutoTokenizer)
/// uses; the id files describe the model and are often stale copies. An explicit null in a tokenizer file
/// means "this tokenizer has none" (Qwen2's bos_token) and ends the search; a null id in the config
/// files only means "unset". EOS also collects every id of the generation stop list
/// (generation_config.json, or config.json when that is absent), because instruction-tuned models
/// stop on several (Llama 3: &lt;|end_of_text|&gt; and &lt;|eot_id|&gt;).
/// </summary>
internal sealed class SpecialTokenResolver(ModelConfigFiles files, ISubwordModel model, AddedTokenTable addedTokens, int vocabSize)
{
    public SpecialTokenIds Resolve(SpecialTokenDefaults defaults)
    {
        int? bos = ResolveRole("bos", defaults.BosId);
        int? eos = ResolveRole("eos", defaults.EosId);
        int? pad = ResolveRole("pad", defaults.PadId);

        var eosIds = new List<int>();
        if (eos is int mainEos)
        {
            eosIds.Add(mainEos);
        }
        var stopListFile = files.GenerationConfigFile ?? files.ModelConfigFile;
        if (stopListFile is not null)
        {
            eosIds.AddRange(ReadIds(stopListFile, "eos_token_id").Where(id => !eosIds.Contains(id)));
        }
        return new SpecialTokenIds(bos, eosIds, pad);
    }

    private int? ResolveRole(string role, int? formatDefault)
    {
        foreach (var file in new[] { files.TokenizerConfigFile, files.SpecialTokensMapFile })
        {
            if (file is not null && file.Root.TryGetProperty(role + "_token", out var value))
            {
                return value.ValueKind == JsonValueKind.Null ? null : IdOfNamedToken(file, role + "_token", value);
            }
        }
        foreach (var file in new[] { files.GenerationConfigFile, files.ModelConfigFile })
        {
            if (file is not null && ReadIds(file, role + "_token_id") is [int first, ..])
            {
                return first;
            }
        }
        return formatDefault;
    }

    private int IdOfNamedToken(ConfigFile file, string key, JsonElement value)
    {
        string? content = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object when value.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String => c.GetString(),
            _ => null,
        };
        if (content is null)
        {
            throw new TokenizerLoadException(file.Path, $"\"{key}\" to be a token string, {{\"content\": ...}} or null", JsonFile.Describe(value));
        }
        int? id = addedTokens.TryGetByContent(content, out var added) ? added.Id : model.IdOf(content);
        if (id is not int found)
        {
            throw new TokenizerLoadException(file.Path, $"\"{key}\" to name a token of the vocabulary or of the added tokens",
                $"\"{content}\", which neither holds");
        }
        // A named special token must be matched whole in text and skipped when decoding.
        addedTokens.Add(new AddedToken(content, found, IsSpecial: true));
        return found;
    }

    private List<int> ReadIds(ConfigFile file, string key)
    {
        if (!file.Root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        var elements = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToList() : [value];
        var ids = new List<int>();
        foreach (var element in elements)
        {
            if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out int id) || id < 0 || id >= vocabSize)
            {
                throw new TokenizerLoadException(file.Path, $"\"{key}\" to be an id from 0 to {vocabSize - 1} (or a list of them)",
                    JsonFile.Describe(element));
            }
            ids.Add(id);
        }
        return ids;
    }
}

/// <summary>What a tokenizer format itself says about BOS, EOS and PAD, used when no config file does.</summary>
internal sealed record SpecialTokenDefaults(int? BosId, int? EosId, int? PadId)
{
    public static SpecialTokenDefaults None { get; } = new(null, null, null);
}
