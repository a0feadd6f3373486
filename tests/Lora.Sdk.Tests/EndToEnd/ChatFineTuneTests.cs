using System.Text.Json.Nodes;
using Lora.Sdk.Tests.Infrastructure;

namespace Lora.Sdk.Tests.EndToEnd;

/// <summary>
/// A chat fine-tune through `dotnet build`: Chat rows are rendered with the base model's chat template, evaluation
/// generates each eval row's last reply from the conversation before it with the template's generation prompt, and
/// the adapter carries the template; a model without a template trains on the default ChatML one, which the merged
/// model then carries.
/// </summary>
[Collection(SdkCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class ChatFineTuneTests(PackedSdk sdk)
{
    // Zephyr's format: a role header per message, each message ended by EOS; the reply and its EOS carry the loss.
    const string ZephyrTemplate =
        "{% for m in messages %}{{ '<|' + m['role'] + '|>\\n' }}" +
        "{% if m['role'] == 'assistant' %}{% generation %}{{ m['content'] + eos_token }}{% endgeneration %}" +
        "{% else %}{{ m['content'] + eos_token }}{% endif %}{{ '\\n' }}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}";

    static readonly (string Question, string Answer)[] Pairs =
    [
        ("Capital of France?", "Paris"), ("Capital of Italy?", "Rome"), ("Capital of Spain?", "Madrid"), ("Capital of Peru?", "Lima"),
        ("Capital of Japan?", "Tokyo"), ("Capital of Egypt?", "Cairo"), ("Capital of Kenya?", "Nairobi"), ("Capital of Chile?", "Santiago"),
        ("Capital of Cuba?", "Havana"), ("Capital of Iran?", "Tehran"), ("Capital of Mali?", "Bamako"), ("Capital of Oman?", "Muscat"),
        ("Capital of Laos?", "Vientiane"), ("Capital of Fiji?", "Suva"), ("Capital of Togo?", "Lome"), ("Capital of Chad?", "N'Djamena"),
    ];

    [Fact]
    public void A_chat_dataset_trains_on_the_models_template_and_evaluates_from_its_generation_prompt()
    {
        var project = Project("ChatTune", "chat-tune", template: ZephyrTemplate, "[Evaluate(Metric.ExactMatch, Metric.RougeL, MaxNewTokens = 4)]");

        var build = project.Build().ShouldSucceed().ShouldSay("chat-tune: chat rows are rendered with the chat template of", "chat_template.jinja",
            "chat-tune: evaluating");

        string root = project.Path("artifacts", "lora", "chat-tune");
        // The build's line for the experiment opens with its first metric, tuned against base, as eval.json has them.
        var eval = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "eval.json")))!;
        double tunedExact = eval["tuned"]!["ExactMatch"]!.GetValue<double>(), baseExact = eval["base"]!["ExactMatch"]!.GetValue<double>();
        string headline = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"chat-tune: ExactMatch {tunedExact:0.####} (base {baseExact:0.####}, {tunedExact - baseExact:+0.####;-0.####;±0}); artifacts in ");
        Assert.Contains(build.Output.Split('\n'), l => l.Contains(headline, StringComparison.Ordinal));
        // report.md shows the eval rows (4 of them, fewer than a handful: all) with the reply expected and both models' replies.
        var report = File.ReadAllText(Path.Combine(root, "report.md"));
        Assert.Contains("## Examples", report);
        Assert.Contains("| row | input | expected | base | tuned |", report);
        Assert.Equal(4, report.Split('\n').Count(l => l.StartsWith("| chat.jsonl:", StringComparison.Ordinal)));
        Assert.Contains("![training and eval loss](loss.svg)", report);
        Assert.True(File.Exists(Path.Combine(root, "progress.jsonl")));

        Assert.Equal(ZephyrTemplate, File.ReadAllText(Path.Combine(root, "adapter", "chat_template.jinja")));
        // The generative metrics are scored on the chat rows, from prompts that end with the template's generation prompt.
        var tuned = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "eval.json")))!["tuned"]!.AsObject();
        Assert.True(tuned.ContainsKey("ExactMatch") && tuned.ContainsKey("RougeL"), "eval.json's tuned scores: " + tuned.ToJsonString());
        var predictions = File.ReadAllLines(Path.Combine(root, "predictions.jsonl")).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(4, predictions.Count);
        foreach (var prediction in predictions)
        {
            string reference = prediction["reference"]!.GetValue<string>();
            var (question, _) = Pairs.Single(p => p.Answer == reference);
            Assert.Equal($"<|user|>\n{question}<|endoftext|>\n<|assistant|>\n", prediction["prompt"]!.GetValue<string>());
        }
    }

    [Fact]
    public void A_model_without_a_template_trains_on_the_default_chatml_which_the_merged_model_carries()
    {
        var project = Project("ChatDefault", "chat-default", template: null, "[Merge]");

        project.Build().ShouldSucceed().ShouldSay("warning LORA0070", "chat-default: the base model has no chat template", "ChatML");

        string root = project.Path("artifacts", "lora", "chat-default");
        string carried = File.ReadAllText(Path.Combine(root, "merged", "chat_template.jinja"));
        Assert.Contains("<|im_start|>", carried, StringComparison.Ordinal);
        Assert.Equal(carried, File.ReadAllText(Path.Combine(root, "adapter", "chat_template.jinja")));
    }

    /// <summary>A project whose base model is the tiny text model copied inside it, with <paramref name="template"/> as its chat template.</summary>
    ScratchProject Project(string name, string experiment, string? template, string attribute)
    {
        var project = sdk.NewProject(name);
        foreach (var file in Directory.GetFiles(sdk.TextModel))
            File.Copy(file, project.Path("models", "chat", Path.GetFileName(file)).EnsureFolder());
        project.Write("models/chat/tokenizer_config.json", """{"eos_token": "<|endoftext|>"}""");
        if (template is not null) project.Write("models/chat/chat_template.jinja", template);
        project.Write("data/chat.jsonl", string.Concat(Pairs.Select(p => new JsonObject
        {
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "user", ["content"] = p.Question },
                new JsonObject { ["role"] = "assistant", ["content"] = p.Answer }),
        }.ToJsonString() + "\n")));
        project.Write("Experiment.cs", $$"""
            using Lora;

            namespace {{name}};

            [Experiment("{{experiment}}")]
            [BaseModel("models/chat")]
            [Dataset("data/chat.jsonl", Format = DatasetFormat.Chat, MaxLength = 96, EvalFraction = 0.25)]
            [Training(MaxSteps = 4, BatchSize = 2, LoggingSteps = 1)]
            {{attribute}}
            public partial record Tuned;
            """);
        return project;
    }
}
