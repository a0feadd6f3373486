namespace Lora.Sdk.Tests.Interop;

/// <summary>
/// The Axolotl configuration keys `lora export axolotl` may write, each with where Axolotl documents it: the pydantic schema
/// its configuration is validated with (and docs/config-reference.qmd is generated from), in axolotl-ai-cloud/axolotl at
/// commit 067b021c8b87a9e5e380b9173c704cf7340e30f5 (2026-07-24), under src/axolotl/utils/schemas/.
/// </summary>
public static class AxolotlKeys
{
    /// <summary>Top-level keys (AxolotlInputConfig and the mixins it is made of).</summary>
    public static readonly IReadOnlyDictionary<string, string> TopLevel = new Dictionary<string, string>
    {
        ["base_model"] = "model.py ModelInputConfig",
        ["revision_of_model"] = "deprecated.py RemappedParameters (alias model_revision)",
        ["output_dir"] = "model.py ModelOutputConfig",
        ["adapter"] = "peft.py LoraConfig",
        ["load_in_4bit"] = "peft.py LoraConfig",
        ["load_in_8bit"] = "peft.py LoraConfig",
        ["lora_model_dir"] = "peft.py LoraConfig",
        ["lora_r"] = "peft.py LoraConfig",
        ["lora_alpha"] = "peft.py LoraConfig",
        ["lora_dropout"] = "peft.py LoraConfig",
        ["lora_target_modules"] = "peft.py LoraConfig",
        ["lora_target_linear"] = "peft.py LoraConfig",
        ["peft_use_rslora"] = "peft.py LoraConfig",
        ["peft_use_dora"] = "peft.py LoraConfig",
        ["datasets"] = "config.py AxolotlInputConfig",
        ["test_datasets"] = "config.py AxolotlInputConfig",
        ["val_set_size"] = "config.py AxolotlInputConfig",
        ["shuffle_merged_datasets"] = "config.py AxolotlInputConfig",
        ["chat_template"] = "config.py AxolotlInputConfig (values: enums.py ChatTemplate, e.g. chatml, tokenizer_default)",
        ["sequence_len"] = "config.py AxolotlInputConfig",
        ["max_steps"] = "config.py AxolotlInputConfig",
        ["warmup_steps"] = "config.py AxolotlInputConfig",
        ["warmup_ratio"] = "config.py AxolotlInputConfig",
        ["bf16"] = "config.py AxolotlInputConfig (true, false or auto)",
        ["fp16"] = "config.py AxolotlInputConfig",
        ["gradient_checkpointing"] = "config.py AxolotlInputConfig",
        ["logging_steps"] = "config.py AxolotlInputConfig",
        ["save_steps"] = "config.py AxolotlInputConfig",
        ["save_strategy"] = "config.py AxolotlInputConfig (no, epoch, best, or empty)",
        ["eval_steps"] = "config.py AxolotlInputConfig",
        ["eval_strategy"] = "config.py AxolotlInputConfig (no, epoch, or empty)",
        ["early_stopping_patience"] = "config.py AxolotlInputConfig",
        ["load_best_model_at_end"] = "config.py AxolotlInputConfig",
        ["seed"] = "config.py AxolotlInputConfig",
        ["train_on_inputs"] = "training.py HyperparametersConfig",
        ["micro_batch_size"] = "training.py HyperparametersConfig",
        ["eval_batch_size"] = "training.py HyperparametersConfig",
        ["gradient_accumulation_steps"] = "training.py HyperparametersConfig",
        ["num_epochs"] = "training.py HyperparametersConfig",
        ["learning_rate"] = "training.py HyperparametersConfig",
        ["lr_scheduler"] = "training.py HyperparametersConfig (transformers' SchedulerType names)",
        ["optimizer"] = "training.py HyperparametersConfig (transformers' OptimizerNames: adamw_torch, adamw_bnb_8bit)",
        ["adam_beta1"] = "training.py HyperparametersConfig",
        ["adam_beta2"] = "training.py HyperparametersConfig",
        ["adam_epsilon"] = "training.py HyperparametersConfig",
        ["weight_decay"] = "training.py HyperparametersConfig",
        ["max_grad_norm"] = "training.py HyperparametersConfig",
    };

    /// <summary>Keys of one entry of datasets or test_datasets.</summary>
    public static readonly IReadOnlyDictionary<string, string> Dataset = new Dictionary<string, string>
    {
        ["path"] = "datasets.py SFTDataset",
        ["ds_type"] = "datasets.py SFTDataset",
        ["type"] = "datasets.py SFTDataset (alpaca, completion, chat_template, or a UserDefinedPrompterType mapping)",
        ["split"] = "datasets.py SFTDataset",
        ["field"] = "datasets.py SFTDataset (completion datasets)",
        ["field_messages"] = "datasets.py SFTDataset (chat_template datasets)",
    };

    /// <summary>Keys of a user-defined dataset type.</summary>
    public static readonly IReadOnlyDictionary<string, string> UserDefinedType = new Dictionary<string, string>
    {
        ["field_instruction"] = "datasets.py UserDefinedPrompterType",
        ["field_output"] = "datasets.py UserDefinedPrompterType",
        ["format"] = "datasets.py UserDefinedPrompterType",
        ["no_input_format"] = "datasets.py UserDefinedPrompterType",
    };

    public static bool IsDocumented(string parent, string key) => parent switch
    {
        "" => TopLevel.ContainsKey(key),
        "datasets" or "test_datasets" => Dataset.ContainsKey(key),
        "type" => UserDefinedType.ContainsKey(key),
        _ => false,
    };
}
