using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lora.Runtime.IO;
using Lora.Runtime.Models;

namespace Lora.Runtime.Experiments;

/// <summary>
/// <c>README.md</c> in an experiment's <c>adapter/</c> and <c>merged/</c> folders, in the Hugging Face model-card format: YAML
/// front matter (base model, library, tags, dataset, the tuned model's metrics as a <c>model-index</c>, the base model's
/// licence when its own card states one), then the training settings, the data's hash and how to load the folder with PEFT,
/// transformers and Lora.Sdk. Everything on it comes from the run's files: the configuration, <c>run.json</c>, <c>eval.json</c>.
/// </summary>
/// <remarks>
/// The folders themselves appear whole (<see cref="AtomicFolder.Write"/>); their card is written after every run of the stages,
/// atomically and only when its text changed, because the metrics it carries come from the evaluation, the last stage: a
/// retrained adapter gets its card once it has been evaluated again, a re-merged model the metrics already recorded.
/// </remarks>
public static class ModelCard
{
    public const string FileName = "README.md";

    /// <summary>Writes the card of every folder the experiment has (adapter, merged) whose text differs from what is there.</summary>
    public static void WriteAll(ExperimentPaths paths, Lora.ExperimentConfig config)
    {
        foreach (var (folder, merged) in new[] { (paths.Adapter, false), (paths.Merged, true) })
        {
            if (!Directory.Exists(folder)) continue;
            var path = Path.Combine(folder, FileName);
            var text = Render(paths, config, merged);
            if (File.Exists(path) && File.ReadAllText(path) == text) continue;
            AtomicFolder.WriteText(path, text);
        }
    }

    /// <summary>The card of the adapter (<paramref name="merged"/> false) or of the merged model.</summary>
    public static string Render(ExperimentPaths paths, Lora.ExperimentConfig config, bool merged)
    {
        var run = ReadJson(paths.Run);
        var eval = ReadJson(paths.Eval);
        var location = TryLocate(config);
        string baseModel = BaseModelName(config, location);
        string dataset = Path.GetFileName(config.Dataset.Path);
        string dataHash = ExperimentFingerprint.FileHash(config.ResolvePath(config.Dataset.Path)).ToLowerInvariant();
        var tuned = Scores(eval?["tuned"]);
        var before = Scores(eval?["base"]);

        var md = new StringBuilder();
        md.Append("---\n");
        md.Append($"base_model: {Yaml(baseModel)}\n");
        md.Append($"library_name: {(merged ? "transformers" : "peft")}\n");
        if (License(location) is { } license) md.Append($"license: {Yaml(license)}\n");
        md.Append("pipeline_tag: text-generation\n");
        md.Append("tags:\n");
        foreach (var tag in Tags(config, merged)) md.Append($"- {Yaml(tag)}\n");
        md.Append("datasets:\n").Append($"- {Yaml(dataset)}\n");
        if (tuned.Count > 0)
        {
            md.Append("metrics:\n");
            foreach (var id in tuned.Keys.Select(MetricId).Distinct()) md.Append($"- {Yaml(id)}\n");
            md.Append("model-index:\n");
            md.Append($"- name: {Yaml(config.FullName)}\n");
            md.Append("  results:\n");
            md.Append("  - task:\n      type: text-generation\n");
            md.Append($"    dataset:\n      name: {Yaml(dataset)}\n      type: {Yaml(dataset)}\n      split: {Yaml(eval?["split"]?.GetValue<string>() ?? "eval")}\n");
            md.Append("    metrics:\n");
            foreach (var (key, value) in tuned)
                md.Append($"    - type: {Yaml(MetricId(key))}\n      name: {Yaml(key)}\n      value: {Number(value)}\n");
        }
        md.Append("---\n\n");

        md.Append($"# {config.FullName}{(merged ? " (merged)" : "")}\n\n");
        if (!string.IsNullOrWhiteSpace(config.Description)) md.Append(config.Description.Trim()).Append("\n\n");
        md.Append(merged
            ? $"The LoRA adapter of the Lora.Sdk experiment `{config.FullName}` merged into its base model `{baseModel}` ({config.Merge?.DType}), as a Hugging Face model folder.\n\n"
            : $"A LoRA adapter (PEFT format) for `{baseModel}`, trained by the Lora.Sdk experiment `{config.FullName}` (`{config.ExperimentType}`).\n\n");

        if (tuned.Count > 0)
        {
            md.Append("## Evaluation\n\n");
            md.Append($"On {eval?["rows"]} rows of the {eval?["split"]} split:\n\n| metric | base | tuned |\n| --- | --- | --- |\n");
            foreach (var (key, value) in tuned)
                md.Append($"| {key} | {(before.TryGetValue(key, out var b) ? Number(b) : "–")} | {Number(value)} |\n");
            md.Append('\n');
        }

        md.Append("## Training\n\n| setting | value |\n| --- | --- |\n");
        foreach (var (name, value) in Settings(config, run)) md.Append($"| {name} | {value} |\n");
        md.Append('\n');
        // As written in the attribute (relative to the project); an absolute path says only the file's name.
        string data = Path.IsPathRooted(config.Dataset.Path) ? dataset : config.Dataset.Path;
        md.Append($"Data: `{data}` ({config.Dataset.Format}), sha256 `{dataHash}`");
        md.Append(config.Dataset.EvalPath is { } evalPath ? $"; eval rows from `{evalPath}`.\n\n" : $"; eval fraction {Number(config.Dataset.EvalFraction)}.\n\n");
        if (run is not null)
            md.Append($"Lineage: fingerprint `{run["fingerprint"]}`, Lora.Sdk {run["sdk_version"]}, TorchSharp {run["torchsharp"]}, seed {run["seed"]}, " +
                      $"{run["steps"]} steps, final loss {Number(run["final_loss"])}{(run["eval_loss"] is { } el ? $", eval loss {Number(el)}" : "")} (see `run.json` beside this folder).\n\n");
        md.Append("<details><summary>The resolved configuration</summary>\n\n```json\n")
          .Append(ExperimentFingerprint.ConfigJson(config)).Append("\n```\n\n</details>\n\n");

        md.Append("## Use it\n\n");
        AppendUsage(md, config, baseModel, merged);
        return md.ToString();
    }

    static void AppendUsage(StringBuilder md, Lora.ExperimentConfig config, string baseModel, bool merged)
    {
        string folder = merged ? "merged" : "adapter";
        if (merged)
        {
            md.Append("transformers:\n\n```python\nfrom transformers import AutoModelForCausalLM, AutoTokenizer\n\n")
              .Append($"model = AutoModelForCausalLM.from_pretrained(\"path/to/{folder}\")\n")
              .Append($"tokenizer = AutoTokenizer.from_pretrained(\"path/to/{folder}\")\n```\n\n");
            md.Append("PEFT is not needed: the adapter is part of the weights.\n\n");
        }
        else
        {
            md.Append("PEFT:\n\n```python\nfrom peft import PeftModel\nfrom transformers import AutoModelForCausalLM, AutoTokenizer\n\n")
              .Append($"base = AutoModelForCausalLM.from_pretrained(\"{baseModel}\")\n")
              .Append($"model = PeftModel.from_pretrained(base, \"path/to/{folder}\")\n")
              .Append($"tokenizer = AutoTokenizer.from_pretrained(\"{baseModel}\")\n```\n\n");
            md.Append("transformers (with PEFT installed):\n\n```python\nfrom transformers import AutoModelForCausalLM\n\n")
              .Append($"model = AutoModelForCausalLM.from_pretrained(\"{baseModel}\")\nmodel.load_adapter(\"path/to/{folder}\")\n```\n\n");
        }
        string typeName = config.ExperimentType.Split('.')[^1];
        md.Append("Lora.Sdk, in the project that trained it:\n\n```csharp\n")
          .Append($"using var chat = {typeName}.CreateChatClient();   // an IChatClient over what the build trained\n")
          .Append("```\n\nor anywhere, over this folder:\n\n```csharp\n")
          .Append(merged
              ? $"using var chat = new Lora.Runtime.Chat.LoraChatClient(\"path/to/{folder}\");\n"
              : $"using var chat = new Lora.Runtime.Chat.LoraChatClient(\"path/to/{baseModel}\", new Dictionary<string, string> {{ [\"{config.ExperimentName}\"] = \"path/to/{folder}\" }});\n")
          .Append("```\n\nand from the command line:\n\n```bash\n")
          .Append(merged
              ? $"lora generate --model path/to/{folder} --prompt \"...\"\n"
              : $"lora generate --model path/to/{baseModel} --adapter path/to/{folder} --prompt \"...\"\n")
          .Append("```\n");
    }

    /// <summary>The base model as the Hub names it: the model id, the built-in model's name, or a local folder's name.</summary>
    static string BaseModelName(Lora.ExperimentConfig config, BaseModelLocation? location) =>
        config.Model.IsBuiltIn || location?.Snapshot is not null
            ? config.Model.Source
            : Path.GetFileName(config.Model.Source.TrimEnd('/', '\\'));

    static BaseModelLocation? TryLocate(Lora.ExperimentConfig config)
    {
        try { return BaseModelLocator.Locate(config); }
        catch (Exception e) when (e is IOException or ModelLoadException or ArgumentException or InvalidOperationException) { return null; }
    }

    static IEnumerable<string> Tags(Lora.ExperimentConfig config, bool merged)
    {
        yield return "lora";
        yield return "lora-sdk";
        if (config.Quantization is not null) yield return "qlora";
        if (config.Adapter.UseDora) yield return "dora";
        yield return merged ? "merged" : "peft";
        yield return "text-generation";
    }

    /// <summary>The base model's licence as its own card states it (front matter <c>license:</c>), when it has one.</summary>
    static string? License(BaseModelLocation? location)
    {
        if (location is null) return null;
        var card = Path.Combine(location.Folder, FileName);
        if (!File.Exists(card)) return null;
        var lines = File.ReadLines(card).Take(100).ToList();
        if (lines.Count == 0 || lines[0].Trim() != "---") return null;
        foreach (var line in lines.Skip(1).TakeWhile(l => l.Trim() != "---"))
            if (line.StartsWith("license:", StringComparison.Ordinal))
                return line["license:".Length..].Trim().Trim('"', '\'') is { Length: > 0 } license ? license : null;
        return null;
    }

    /// <summary>The settings a reader compares first; the whole configuration follows in JSON.</summary>
    static IEnumerable<(string, string)> Settings(Lora.ExperimentConfig config, JsonNode? run)
    {
        var a = config.Adapter;
        var t = config.Training;
        yield return ("LoRA rank, alpha, dropout", $"{a.Rank}, {Number(a.Alpha)}, {Number(a.Dropout)}{(a.UseRsLora ? " (rsLoRA)" : "")}{(a.UseDora ? " (DoRA)" : "")}");
        yield return ("target modules", string.Join(", ", a.Targets));
        if (config.Quantization is { } q) yield return ("base quantization", $"{q.Type}{(q.DoubleQuant ? ", double quantization" : "")}, compute {q.ComputeType}");
        yield return ("epochs / max steps", t.MaxSteps > 0 ? $"max {t.MaxSteps} steps" : $"{t.Epochs} epochs");
        yield return ("batch size × accumulation", $"{t.BatchSize} × {t.GradientAccumulation}");
        yield return ("learning rate, schedule", $"{Number(t.LearningRate)}, {t.Schedule}");
        yield return ("optimizer", $"{t.Optimizer}, weight decay {Number(t.WeightDecay)}");
        yield return ("max length", config.Dataset.MaxLength.ToString(CultureInfo.InvariantCulture));
        yield return ("compute type", run?["compute_type"]?.GetValue<string>() ?? t.Precision.ToString());
        yield return ("seed", t.Seed.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The Hugging Face metric id of a metric (the evaluate library's names).</summary>
    static string MetricId(string metric) => metric switch
    {
        nameof(Lora.Metric.Accuracy) => "accuracy",
        nameof(Lora.Metric.ExactMatch) => "exact_match",
        nameof(Lora.Metric.MacroF1) => "f1",
        nameof(Lora.Metric.RougeL) => "rouge",
        nameof(Lora.Metric.Perplexity) => "perplexity",
        nameof(Lora.Metric.EvalLoss) => "loss",
        _ => metric.ToLowerInvariant(),
    };

    static SortedDictionary<string, double> Scores(JsonNode? scores)
    {
        var result = new SortedDictionary<string, double>(StringComparer.Ordinal);
        if (scores is JsonObject o)
            foreach (var (key, value) in o)
                if (value is JsonValue v && v.TryGetValue<double>(out var d) && double.IsFinite(d)) result[key] = d;
        return result;
    }

    static JsonNode? ReadJson(string path)
    {
        if (!File.Exists(path)) return null;
        try { return JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException) { return null; }
    }

    /// <summary>A YAML scalar: double-quoted with JSON's escapes, which YAML reads the same way.</summary>
    static string Yaml(string value) => JsonSerializer.Serialize(value);

    static string Number(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    static string Number(JsonNode? node) => node is JsonValue v && v.TryGetValue<double>(out var d) ? Number(d) : "–";
}
