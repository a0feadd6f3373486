extern alias gen;

namespace Lora.Generators.Tests.Infrastructure;

/// <summary>The real model configs from ../shared/fixtures/peft and small real JSONL datasets, placed in the virtual project.</summary>
internal static class Fixtures
{
    /// <summary>The virtual project directory every test project uses.</summary>
    public const string ProjectDirectory = "/src/App";

    /// <summary>The virtual source file of the experiments.</summary>
    public const string SourcePath = ProjectDirectory + "/Experiments.cs";

    /// <summary>tiny-llama's config.json (llama: hidden 64, 2 layers, 4 heads, 2 KV heads, intermediate 160, 128 positions).</summary>
    public static string TinyLlamaConfig { get; } = File.ReadAllText(Path.Combine(RepoPaths.PeftFixtures, "tiny-llama", "base", "config.json"));

    /// <summary>tiny-gpt2's config.json (gpt2: n_embd 64, 2 layers, 4 heads, 64 positions).</summary>
    public static string TinyGpt2Config { get; } = File.ReadAllText(Path.Combine(RepoPaths.PeftFixtures, "tiny-gpt2", "base", "config.json"));

    /// <summary>tiny-gemma2's config.json (gemma2: hidden 64, head_dim 16, 2 layers, 4 heads, 2 KV heads, window 8, soft-capping).</summary>
    public static string TinyGemma2Config { get; } = File.ReadAllText(Path.Combine(RepoPaths.H200Fixtures, "tiny-gemma2", "base", "config.json"));

    /// <summary>tiny-gemma3's config.json (gemma3_text: hidden 64, head_dim 16, 3 sliding layers, rope_parameters per layer type).</summary>
    public static string TinyGemma3Config { get; } = File.ReadAllText(Path.Combine(RepoPaths.H200Fixtures, "tiny-gemma3", "base", "config.json"));

    /// <summary>Alpaca rows: instruction, optional input, output.</summary>
    public static readonly string AlpacaJsonl = Lines(
        """{"instruction": "Classify the sentiment of the review.", "input": "The battery lasts all day and the screen is sharp.", "output": "positive"}""",
        """{"instruction": "Classify the sentiment of the review.", "input": "It stopped charging after a week.", "output": "negative"}""",
        "",
        """{"instruction": "Translate to French.", "input": "Good morning", "output": "Bonjour"}""",
        """{"instruction": "Name the capital of Italy.", "output": "Rome"}""");

    /// <summary>Typed rows for an <c>Email</c> record (Subject, Body, Label); JSON names are lower-case.</summary>
    public static readonly string MailJsonl = Lines(
        """{"subject": "You won a prize", "body": "Click the link to claim your reward today.", "label": "spam"}""",
        """{"subject": "Team meeting moved", "body": "The sync is now at 3 pm in room 2.", "label": "ham"}""",
        """{"subject": "Cheap watches", "body": "Best replicas, free shipping.", "label": "spam"}""");

    /// <summary>Chat rows.</summary>
    public static readonly string ChatJsonl = Lines(
        """{"messages": [{"role": "user", "content": "What is 2 + 2?"}, {"role": "assistant", "content": "4"}]}""",
        """{"messages": [{"role": "system", "content": "Answer briefly."}, {"role": "user", "content": "Capital of Spain?"}, {"role": "assistant", "content": "Madrid"}]}""");

    /// <summary>Pre-tokenized rows.</summary>
    public static readonly string TokenIdsJsonl = Lines(
        """{"input_ids": [1, 15, 27, 99, 2]}""",
        """{"input_ids": [1, 40, 41, 2]}""");

    /// <summary>Plain text rows.</summary>
    public static readonly string TextJsonl = Lines(
        """{"text": "LoRA trains two small matrices per adapted layer."}""",
        """{"text": "QLoRA keeps the base weights in 4-bit NormalFloat."}""");

    /// <summary>The runtime's default chat template (ChatML), which renders any roles.</summary>
    public const string ChatMlTemplate = gen::Lora.DefaultChatTemplate.ChatMl;

    /// <summary>The runtime's chat template corpus: real models' tokenizer_config.json and template files (tests/Lora.Runtime.Tests/ChatTemplates/Corpus).</summary>
    public static string ChatTemplateCorpus => Path.Combine(RepoPaths.Root, "tests", "Lora.Runtime.Tests", "ChatTemplates", "Corpus");

    /// <summary>A file of the chat template corpus.</summary>
    /// <param name="model">The corpus folder, e.g. llama2.</param>
    /// <param name="file">The file, e.g. tokenizer_config.json.</param>
    /// <returns>Its text.</returns>
    public static string CorpusFile(string model, string file) => File.ReadAllText(Path.Combine(ChatTemplateCorpus, model, file));

    /// <summary>The default AdditionalFiles of a test project: both model configs and every dataset above.</summary>
    public static IReadOnlyDictionary<string, string> DefaultFiles { get; } = new Dictionary<string, string>
    {
        ["models/tiny-llama/config.json"] = TinyLlamaConfig,
        ["models/tiny-gpt2/config.json"] = TinyGpt2Config,
        ["data/train.jsonl"] = AlpacaJsonl,
        ["data/mail.jsonl"] = MailJsonl,
        ["data/chat.jsonl"] = ChatJsonl,
        ["data/tokens.jsonl"] = TokenIdsJsonl,
        ["data/text.jsonl"] = TextJsonl,
    };

    /// <summary>Joins lines with '\n' and a final newline.</summary>
    /// <param name="lines">The lines.</param>
    /// <returns>The text.</returns>
    public static string Lines(params string[] lines) => string.Join("\n", lines) + "\n";
}
