using Lora.Runtime.Experiments;

namespace Lora.Runtime.Interop;

/// <summary>
/// An experiment as an Axolotl configuration, so that the same declared run can go to Axolotl's multi-GPU launchers (FSDP,
/// DeepSpeed). Every key is one Axolotl's configuration schema documents (src/axolotl/utils/schemas); a setting Axolotl
/// cannot express is refused by its attribute and name (<see cref="AxolotlExportException"/>), never dropped. Evaluation,
/// expectations and merging are not Axolotl's part: they stay in Lora.Sdk, on the adapter Axolotl writes.
/// </summary>
public static class AxolotlConfig
{
    /// <summary>The dataset files beside the YAML, relative to it (Axolotl resolves them from the folder it runs in).</summary>
    public const string TrainFile = "data/train.jsonl", EvalFile = "data/eval.jsonl";

    /// <summary>Where Axolotl writes the adapter, relative to the folder it runs in.</summary>
    public const string OutputDir = "./outputs/adapter";

    public static YamlMapping Build(Lora.ExperimentConfig config)
    {
        var refused = Refusals(config).ToList();
        if (refused.Count > 0)
            throw new AxolotlExportException($"{config.FullName}: Axolotl cannot express {string.Join("; ", refused)}. Change the experiment, or train it with Lora.Sdk.");

        var yaml = new YamlMapping();
        var adapter = config.Adapter;
        var training = config.Training;
        var dataset = config.Dataset;

        // Model: a hub id as written (with its revision), a folder as an absolute path (the built-in model's folder too).
        if (HubModelSource(config) is { } id)
        {
            yaml.Add("base_model", id);
            yaml.Add("revision_of_model", config.Model.Revision);
        }
        else yaml.Add("base_model", BaseModelLocator.Resolve(config));

        // Adapter: LoRA, or QLoRA (Axolotl loads the 4-bit base as NF4 with double quantization, bitsandbytes' defaults for it).
        yaml.Add("adapter", config.Quantization is { Type: Lora.QuantType.NF4 } ? "qlora" : "lora");
        if (config.Quantization is { Type: Lora.QuantType.NF4 }) yaml.Add("load_in_4bit", true);
        if (config.Quantization is { Type: Lora.QuantType.Int8 }) yaml.Add("load_in_8bit", true);
        if (adapter.InitFrom is { } init) yaml.Add("lora_model_dir", Path.GetFullPath(config.ResolvePath(init)));
        yaml.Add("lora_r", adapter.Rank);
        yaml.Add("lora_alpha", adapter.Alpha);
        yaml.Add("lora_dropout", adapter.Dropout);
        if (adapter.Targets.Count == 1 && adapter.Targets[0] == "all-linear") yaml.Add("lora_target_linear", true);
        else yaml.Add("lora_target_modules", adapter.Targets.ToList());
        if (adapter.UseRsLora) yaml.Add("peft_use_rslora", true);
        if (adapter.UseDora) yaml.Add("peft_use_dora", true);

        // Data: the rows as Axolotl reads them (AxolotlDataset), the split, the length.
        yaml.Add("datasets", new List<YamlMapping> { DatasetEntry(config, TrainFile) });
        if (dataset.EvalPath is not null)
        {
            yaml.Add("test_datasets", new List<YamlMapping> { DatasetEntry(config, EvalFile).Add("split", "train") });
            yaml.Add("val_set_size", 0.0);
        }
        else yaml.Add("val_set_size", dataset.EvalFraction);
        yaml.Add("shuffle_merged_datasets", dataset.Shuffle);
        if (dataset.Format == Lora.DatasetFormat.Chat)
        {
            Data.ChatFormat.TemplateOf(BaseModelLocator.Resolve(config), out bool isDefault);
            // Lora.Sdk's default for a model without a template is ChatML.
            yaml.Add("chat_template", isDefault ? "chatml" : "tokenizer_default");
        }
        yaml.Add("sequence_len", dataset.MaxLength);
        yaml.Add("train_on_inputs", dataset.TrainOnInputs);

        // Training loop.
        yaml.Add("micro_batch_size", training.BatchSize);
        yaml.Add("eval_batch_size", training.EvalBatchSize);
        yaml.Add("gradient_accumulation_steps", training.GradientAccumulation);
        if (training.Epochs > 0) yaml.Add("num_epochs", training.Epochs);
        if (training.MaxSteps > 0) yaml.Add("max_steps", training.MaxSteps);
        yaml.Add("learning_rate", training.LearningRate);
        yaml.Add("lr_scheduler", training.Schedule switch
        {
            Lora.LrSchedule.Cosine => "cosine",
            Lora.LrSchedule.Linear => "linear",
            _ => training.WarmupSteps > 0 || training.WarmupRatio > 0 ? "constant_with_warmup" : "constant",
        });
        if (training.WarmupRatio > 0) yaml.Add("warmup_ratio", training.WarmupRatio);
        else yaml.Add("warmup_steps", training.WarmupSteps);
        yaml.Add("optimizer", training.Optimizer == Lora.OptimizerType.AdamW8Bit ? "adamw_bnb_8bit" : "adamw_torch");
        yaml.Add("adam_beta1", training.Beta1);
        yaml.Add("adam_beta2", training.Beta2);
        yaml.Add("adam_epsilon", training.Epsilon);
        yaml.Add("weight_decay", training.WeightDecay);
        yaml.Add("max_grad_norm", training.MaxGradNorm);
        switch (config.Quantization is { } q ? q.ComputeType : training.Precision)
        {
            case Lora.ComputeType.BFloat16: yaml.Add("bf16", true); break;
            case Lora.ComputeType.Float16: yaml.Add("fp16", true); break;
            case Lora.ComputeType.Auto: yaml.Add("bf16", "auto"); break;
        }
        yaml.Add("gradient_checkpointing", training.GradientCheckpointing);
        yaml.Add("logging_steps", training.LoggingSteps);
        // 0 in Lora.Sdk means at each epoch's end, as transformers' "epoch" strategy.
        if (training.SaveSteps > 0) yaml.Add("save_steps", training.SaveSteps);
        else yaml.Add("save_strategy", "epoch");
        if (training.EvalSteps > 0) yaml.Add("eval_steps", training.EvalSteps);
        else yaml.Add("eval_strategy", dataset.EvalPath is not null || dataset.EvalFraction > 0 ? "epoch" : "no");
        if (training.EarlyStoppingPatience > 0) yaml.Add("early_stopping_patience", training.EarlyStoppingPatience);
        if (training.LoadBestModelAtEnd) yaml.Add("load_best_model_at_end", true);
        yaml.Add("seed", training.Seed);
        yaml.Add("output_dir", OutputDir);
        return yaml;
    }

    /// <summary>One entry of <c>datasets</c> or <c>test_datasets</c>: the file beside the YAML and the prompt strategy that reads it.</summary>
    static YamlMapping DatasetEntry(Lora.ExperimentConfig config, string file)
    {
        var entry = new YamlMapping().Add("path", file).Add("ds_type", "json");
        switch (config.Dataset)
        {
            case { Format: Lora.DatasetFormat.Alpaca }:
                entry.Add("type", "alpaca");
                break;
            case { Format: Lora.DatasetFormat.Chat }:
                entry.Add("type", "chat_template").Add("field_messages", "messages");
                break;
            case { Format: Lora.DatasetFormat.Jsonl, Prompt: not null }:
                // Rows rendered to prompt and completion (AxolotlDataset); the prompt as it is, the completion after it.
                entry.Add("type", new YamlMapping()
                    .Add("field_instruction", AxolotlDataset.PromptField).Add("field_output", AxolotlDataset.CompletionField)
                    .Add("format", "{instruction}").Add("no_input_format", "{instruction}"));
                break;
            default:
                entry.Add("type", "completion").Add("field", AxolotlDataset.TextField);
                break;
        }
        return entry;
    }

    /// <summary>Each setting of the experiment Axolotl has no key for, by attribute and name, with the value and why.</summary>
    static IEnumerable<string> Refusals(Lora.ExperimentConfig config)
    {
        if (config.Dataset.Format == Lora.DatasetFormat.TokenIds)
            yield return "[Dataset] Format = TokenIds (Axolotl's pre-tokenized rows need labels and attention masks the rows do not carry)";
        if (!config.Dataset.AddEos)
            yield return "[Dataset] AddEos = false (Axolotl's prompt strategies always end a response with the end-of-sequence token)";
        if (config.Adapter.Bias != Lora.LoraBias.None)
            yield return $"[LoraAdapter] Bias = {config.Adapter.Bias} (Axolotl trains no biases with a LoRA adapter)";
        if (config.Quantization is { } q)
        {
            if (q.Type == Lora.QuantType.FP4)
                yield return "[Quantize] Type = FP4 (Axolotl's QLoRA quantizes to NF4)";
            if (q.Type == Lora.QuantType.NF4 && !q.DoubleQuant)
                yield return "[Quantize] DoubleQuant = false (Axolotl's QLoRA always quantizes the constants too)";
            if (q.Embeddings)
                yield return "[Quantize] Embeddings = true (Axolotl keeps embeddings and the output head unquantized)";
        }
    }

    /// <summary>The model id of a base model named by id ("org/name"), or null for a folder.</summary>
    static string? HubModelSource(Lora.ExperimentConfig config) =>
        // As BaseModelLocator: a folder of the project by that name wins over a model id of the same spelling.
        !config.Model.IsBuiltIn && !Directory.Exists(config.ResolvePath(config.Model.Source)) && Lora.HubModelId.TryParse(config.Model.Source) is { } id
            ? id.Id : null;
}

/// <summary>An experiment setting that Axolotl's configuration cannot express; the message names each.</summary>
public sealed class AxolotlExportException(string message) : ArgumentException(message);
