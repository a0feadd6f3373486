using System.Text.Json;
using Lora.Runtime.Generation;
using Lora.Runtime.Models;
using Lora.Runtime.Tokenization;
using Lora.Tools.Pretraining;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Tools.Pretraining;

/// <summary>The built-in base model lora-tiny-en, as copied beside the runtime assembly.</summary>
public class BuiltInModelTests(ITestOutputHelper output)
{
    const int UniformPerplexity = 50257;
    static readonly Lazy<CausalLanguageModel> Model = new(() => ModelLoader.Load(ShippedRecipe.ModelFolder));

    [Fact]
    public void It_ships_beside_the_runtime_with_weights_tokenizer_recipe_and_model_card()
    {
        foreach (var name in new[] { "config.json", "model.safetensors", "generation_config.json", "tokenizer_config.json",
                                     "vocab.json", "merges.txt", RecipeFile.FileName, PretrainingSummary.FileName, ModelCard.FileName })
            Assert.True(File.Exists(Path.Combine(ShippedRecipe.ModelFolder, name)), $"{name} is missing from {ShippedRecipe.ModelFolder}");
    }

    [Fact]
    public void It_loads_as_a_llama_model_of_at_most_20M_parameters_shaped_as_its_recipe_says()
    {
        var expected = ShippedRecipe.Load().Architecture.ToModelConfig();
        var config = Model.Value.Config;

        Assert.InRange(PretrainingModelInitializer.ParameterCount(Model.Value), 1_000_000, 20_000_000);
        Assert.Equal("llama", config.ModelType);
        Assert.Equal(
            (expected.VocabSize, expected.HiddenSize, expected.NumLayers, expected.NumHeads, expected.NumKeyValueHeads, expected.IntermediateSize,
             expected.MaxPositions, expected.RopeTheta, expected.NormEpsilon, expected.TieWordEmbeddings),
            (config.VocabSize, config.HiddenSize, config.NumLayers, config.NumHeads, config.NumKeyValueHeads, config.IntermediateSize,
             config.MaxPositions, config.RopeTheta, config.NormEpsilon, config.TieWordEmbeddings));
        Assert.Equal([50256], config.EosTokenIds);
    }

    [Fact]
    public void Its_tokenizer_files_encode_exactly_as_gpt2()
    {
        var text = File.ReadAllText(HeldOutExcerptPath);
        var tokenizer = ModelTokenizer.Load(ShippedRecipe.ModelFolder);

        Assert.Equal(ModelTokenizer.Gpt2().Encode(text, addBos: false), tokenizer.Encode(text, addBos: false));
        Assert.Equal((50256, 50256, 50257), (tokenizer.BosId, tokenizer.EosId, tokenizer.VocabSize));
    }

    [Fact]
    public void Its_perplexity_on_a_held_out_address_is_far_below_the_uniform_baseline()
    {
        var recipe = ShippedRecipe.Load();
        var excerpt = CorpusDocument.FromRawText(CorpusDocument.StateOfTheUnion, "1950_harry_s_truman_d.txt", File.ReadAllText(HeldOutExcerptPath));
        var heldOutNames = JsonDocument.Parse(File.ReadAllText(Path.Combine(ShippedRecipe.ModelFolder, PretrainingSummary.FileName)))
            .RootElement.GetProperty("heldOutDocuments").EnumerateArray().Select(e => e.GetString());
        Assert.Contains(excerpt.Name, heldOutNames);
        var rows = TokenRowPacker.Pack([excerpt], ModelTokenizer.Gpt2(), recipe.Architecture.EndOfTextId, recipe.SequenceLength);
        Assert.Equal(2, rows.Count);

        var result = HeldOutPerplexity.Compute(Model.Value, rows);

        output.WriteLine($"held-out perplexity {result.Perplexity:F1} over {result.PredictedTokens} tokens (uniform: {UniformPerplexity})");

        Assert.True(result.Perplexity < 2000, $"held-out perplexity {result.Perplexity:F1} over {result.PredictedTokens} tokens; uniform is {UniformPerplexity}");
    }

    [Fact]
    public void It_continues_a_prompt_with_english_words()
    {
        var tokenizer = ModelTokenizer.Load(ShippedRecipe.ModelFolder);
        var prompt = tokenizer.Encode("The Congress of the United States", addBos: false);
        var ids = tensor(prompt.Select(i => (long)i).ToArray()).unsqueeze(0);
        var sampling = new SamplingOptions { MaxNewTokens = 32, DoSample = true, Temperature = 0.8, TopK = 40, Seed = 1, EosTokenIds = [] };

        var generatedIds = TextGenerator.Generate(Model.Value, ids, null, sampling);

        var text = tokenizer.Decode(generatedIds[0].data<long>().ToArray()[prompt.Count..].Select(i => (int)i));
        output.WriteLine(text);
        var words = text.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim(',', '.', ';', ':').ToLowerInvariant()).ToList();
        // A random model emits arbitrary sub-word pieces; an English one uses the commonest words again and again.
        Assert.True(words.Count(CommonWords.Contains) >= 4, $"few common English words in: {text}");
        Assert.True(words.Distinct().Count() >= 8, $"few distinct words in: {text}");
    }

    static readonly HashSet<string> CommonWords =
        ["the", "of", "and", "to", "in", "a", "that", "is", "for", "be", "by", "with", "our", "we", "it", "as", "which", "this", "have", "has", "will", "not", "are", "on"];

    static string HeldOutExcerptPath => Path.Combine(RepoPaths.RepoRoot, "tests", "Lora.Runtime.Tests", "Tools", "Pretraining", "heldout-1950-truman-excerpt.txt");
}
