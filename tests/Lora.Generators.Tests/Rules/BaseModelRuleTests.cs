using Lora.Generators.Tests.Infrastructure;

namespace Lora.Generators.Tests.Rules;

/// <summary>LORA0040–0046 and LORA0056: the base model's config.json (and the settings Lora refuses in it) and what it implies for targets, rank and length.</summary>
public sealed class BaseModelRuleTests
{
    [Fact]
    public void LORA0040_config_not_among_additional_files()
    {
        var run = new TestProject().Verify(Experiments.With("[BaseModel({|LORA0040:\"models/tiny/lama\"|})]"));
        Assert.Contains("looked for '/src/App/models/tiny/lama/config.json'", run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("models/tiny-llama")]
    [InlineData("models/tiny-llama/")]
    [InlineData("./models/../models/tiny-llama")]
    [InlineData("models/tiny-llama/config.json")]
    [InlineData("/src/App/models/tiny-llama")]
    [InlineData("models\\\\tiny-llama")]
    public void LORA0040_not_reported_for_relative_absolute_or_normalized_paths(string path)
    {
        new TestProject().Verify(Experiments.With("[BaseModel(\"" + path + "\")]"));
    }

    [Theory]
    [InlineData("{ \"model_type\": \"llama\", ", "it is not valid JSON")]
    [InlineData("{ \"hidden_size\": 64 }", "key 'model_type' is missing; expected a string")]
    [InlineData("{ \"model_type\": \"llama\", \"hidden_size\": 64 }", "key 'num_hidden_layers' is missing; expected an integer")]
    public void LORA0041_config_that_cannot_be_used(string config, string reason)
    {
        var run = new TestProject()
            .WithFile("models/broken/config.json", config)
            .Verify(Experiments.With("[BaseModel({|LORA0041:\"models/broken\"|})]"));
        Assert.Contains(reason, run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"rope_parameters\": {\"rope_type\": \"proportional\", \"factor\": 4.0}", "rope type 'proportional' is not supported yet; expected one of default, llama3, longrope, linear, yarn, dynamic")]
    [InlineData("\"rope_scaling\": {\"type\": \"mrope\", \"factor\": 2.0}", "rope type 'mrope' is not supported yet")]
    [InlineData("\"attention_dropout\": 0.1", "attention_dropout 0.1 is not supported (transformers applies that dropout while training; Lora trains without it); expected 0.0")]
    [InlineData("\"partial_rotary_factor\": 0.5", "partial_rotary_factor 0.5 is not supported for this model_type")]
    public void LORA0056_a_setting_the_runtime_lacks_is_reported_at_compile_time(string member, string reason)
    {
        var config = "{\"model_type\": \"llama\", \"hidden_size\": 64, \"num_hidden_layers\": 2, \"num_attention_heads\": 4, " +
                     "\"intermediate_size\": 160, \"vocab_size\": 512, " + member + "}";
        var run = new TestProject()
            .WithFile("models/scaled/config.json", config)
            .Verify(Experiments.With("[BaseModel({|LORA0056:\"models/scaled\"|})]"));
        Assert.StartsWith("'models/scaled/config.json' cannot be used: ", run.Single.GetMessage(), StringComparison.Ordinal);
        Assert.Contains(reason, run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"num_attention_heads\": 5, \"vocab_size\": 512", "hidden_size 64 is not a multiple of num_attention_heads 5")]
    [InlineData("\"num_attention_heads\": 4, \"num_key_value_heads\": 3, \"vocab_size\": 512", "num_attention_heads 4 is not a multiple of num_key_value_heads 3")]
    [InlineData("\"num_attention_heads\": 4, \"vocab_size\": 2000000000", "the embedding (vocab_size × hidden_size) would hold")]
    [InlineData("\"num_attention_heads\": 4, \"vocab_size\": 512, \"rms_norm_eps\": -1e-6", "the norm epsilon is -1E-06")]
    [InlineData("\"num_attention_heads\": 4, \"vocab_size\": 512, \"rope_parameters\": {\"rope_type\": \"llama3\", \"factor\": 8.0}", "rope type llama3 needs a positive 'low_freq_factor'")]
    public void LORA0041_a_config_the_runtime_refuses_is_reported_at_compile_time(string members, string reason)
    {
        var config = "{\"model_type\": \"llama\", \"hidden_size\": 64, \"num_hidden_layers\": 2, \"intermediate_size\": 160, " + members + "}";
        var run = new TestProject()
            .WithFile("models/hostile/config.json", config)
            .Verify(Experiments.With("[BaseModel({|LORA0041:\"models/hostile\"|})]"));
        Assert.Contains(reason, run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void LORA0041_not_reported_for_llama_3_rope_or_qwen3()
    {
        const string Llama3 = """
            {"model_type": "llama", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "head_dim": 16,
             "intermediate_size": 160, "vocab_size": 512, "rope_parameters": {"rope_type": "llama3", "factor": 8.0,
             "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 32, "rope_theta": 500000.0}}
            """;
        const string Qwen3 = """
            {"model_type": "qwen3", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
             "head_dim": 32, "intermediate_size": 160, "vocab_size": 384, "tie_word_embeddings": true}
            """;
        new TestProject().WithFile("models/m/config.json", Llama3).Verify(Experiments.With("[BaseModel(\"models/m\")]"));
        new TestProject().WithFile("models/m/config.json", Qwen3).Verify(Experiments.With("[BaseModel(\"models/m\")]"));
    }

    [Fact]
    public void LORA0056_not_reported_for_yarn_dynamic_phi3_partial_rotary_or_zero_dropout()
    {
        const string Phi4Mini = """
            {"model_type": "phi3", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 160,
             "vocab_size": 512, "partial_rotary_factor": 0.75, "attention_dropout": 0.0, "resid_pdrop": 0.0, "embd_pdrop": 0.0, "sliding_window": 262144}
            """;
        new TestProject().WithFile("models/m/config.json", Phi4Mini).Verify(Experiments.With("[BaseModel(\"models/m\")]", "[LoraAdapter(Rank = 16, Targets = new[] { \"qkv_proj\" })]"));
        const string Qwen25Yarn = """
            {"model_type": "qwen2", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
             "intermediate_size": 160, "vocab_size": 384, "rope_scaling": {"factor": 4.0, "original_max_position_embeddings": 32768, "type": "yarn"}}
            """;
        const string Dynamic = """
            {"model_type": "llama", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
             "intermediate_size": 160, "vocab_size": 512, "rope_scaling": {"type": "dynamic", "factor": 2.0}}
            """;
        new TestProject().WithFile("models/m/config.json", Qwen25Yarn).Verify(Experiments.With("[BaseModel(\"models/m\")]"));
        new TestProject().WithFile("models/m/config.json", Dynamic).Verify(Experiments.With("[BaseModel(\"models/m\")]"));
    }

    [Fact]
    public void LORA0041_not_reported_for_a_minimal_transformers_4_config()
    {
        const string Config = """
            {"model_type": "mistral", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
             "intermediate_size": 160, "vocab_size": 512, "rope_theta": 10000.0}
            """;
        new TestProject()
            .WithFile("models/minimal/config.json", Config)
            .Verify(Experiments.With("[BaseModel(\"models/minimal\")]", "[LoraAdapter(Rank = 16, Targets = new[] { \"k_proj\" })]"));
    }

    [Fact]
    public void LORA0042_unsupported_model_type()
    {
        var falcon = Fixtures.TinyLlamaConfig.Replace("\"llama\"", "\"falcon\"", StringComparison.Ordinal);
        var run = new TestProject()
            .WithFile("models/falcon/config.json", falcon)
            .Verify(Experiments.With("[BaseModel({|LORA0042:\"models/falcon\"|})]"));
        Assert.Contains("declares model_type 'falcon'; expected one of gpt2, llama, mistral, qwen2, qwen3, phi3, gemma2, gemma3_text. Use", run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void LORA0042_gemma3_the_image_and_text_model_names_its_text_model()
    {
        const string Config = """
            {"model_type": "gemma3", "text_config": {"model_type": "gemma3_text", "hidden_size": 64}, "vision_config": {"model_type": "siglip_vision_model"}}
            """;
        var run = new TestProject()
            .WithFile("models/gemma-3-4b/config.json", Config)
            .Verify(Experiments.With("[BaseModel({|LORA0042:\"models/gemma-3-4b\"|})]"));
        Assert.Contains("declares model_type 'gemma3'; expected one of gpt2, llama, mistral, qwen2, qwen3, phi3, gemma2, gemma3_text (gemma3 is Gemma 3's image-and-text model",
            run.Single.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("Lora trains the text model alone, model_type gemma3_text", run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gemma2")]
    [InlineData("gemma3")]
    public void Gemma_configs_compile_without_diagnostics(string family)
    {
        var config = family == "gemma2" ? Fixtures.TinyGemma2Config : Fixtures.TinyGemma3Config;
        foreach (var targets in new[] { "\"q_proj\", \"k_proj\", \"v_proj\", \"o_proj\", \"gate_proj\", \"up_proj\", \"down_proj\"", "\"all-linear\"", "\"self_attn.o_proj\", \"mlp.down_proj\"" })
        {
            new TestProject()
                .WithFile("models/gemma/config.json", config)
                .Verify(Experiments.With(
                    "[BaseModel(\"models/gemma\")]",
                    "[Dataset(\"data/train.jsonl\", Format = DatasetFormat.Alpaca, MaxLength = 64)]",
                    "[LoraAdapter(Rank = 8, Targets = new[] { " + targets + " })]"));
        }
    }

    [Theory]
    [InlineData("gemma2")]
    [InlineData("gemma3")]
    public void Gemma_targets_and_widths_are_checked_at_compile_time(string family)
    {
        var config = family == "gemma2" ? Fixtures.TinyGemma2Config : Fixtures.TinyGemma3Config;
        var wrong = new TestProject()
            .WithFile("models/gemma/config.json", config)
            .Verify(Experiments.With(
                "[BaseModel(\"models/gemma\")]",
                "[Dataset(\"data/train.jsonl\", Format = DatasetFormat.Alpaca, MaxLength = 64)]",
                "[LoraAdapter(Targets = new[] { \"q_proj\", {|LORA0043:\"qkv_proj\"|} })]"));
        Assert.Contains("expected one of q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj, lm_head", wrong.Single.GetMessage(), StringComparison.Ordinal);
        // k_proj maps the 64-wide hidden state to 2 key/value heads of head_dim 16.
        var rank = new TestProject()
            .WithFile("models/gemma/config.json", config)
            .Verify(Experiments.With(
                "[BaseModel(\"models/gemma\")]",
                "[Dataset(\"data/train.jsonl\", Format = DatasetFormat.Alpaca, MaxLength = 64)]",
                "[LoraAdapter({|LORA0044:Rank = 48|}, Targets = new[] { \"k_proj\" })]"));
        Assert.Contains("Rank 48 exceeds 32, the smaller width of targeted module 'self_attn.k_proj' (64 → 32)", rank.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mistral", "q_proj")]
    [InlineData("qwen2", "gate_proj")]
    [InlineData("phi3", "qkv_proj")]
    [InlineData("gemma2", "o_proj")]
    [InlineData("gemma3_text", "down_proj")]
    public void LORA0042_not_reported_for_supported_families(string modelType, string target)
    {
        var config = Fixtures.TinyLlamaConfig.Replace("\"llama\"", "\"" + modelType + "\"", StringComparison.Ordinal);
        new TestProject()
            .WithFile("models/other/config.json", config)
            .Verify(Experiments.With("[BaseModel(\"models/other\")]", "[LoraAdapter(Targets = new[] { \"" + target + "\" })]"));
    }

    [Fact]
    public void LORA0043_misspelled_target_suggests_the_module()
    {
        var run = new TestProject().Verify(Experiments.With("[LoraAdapter(Targets = new[] { {|LORA0043:\"q_prj\"|}, \"v_proj\" })]"));
        Assert.Contains("Target module 'q_prj' (did you mean 'q_proj'?) does not exist in llama models (models/tiny-llama/config.json); expected one of q_proj, k_proj,", run.Single.GetMessage(), StringComparison.Ordinal);
        Assert.Equal("q_proj", run.Single.Properties["Suggestion"]);
    }

    [Fact]
    public void LORA0043_llama_module_names_are_wrong_for_gpt2()
    {
        var run = new TestProject().Verify(Experiments.With(
            "[BaseModel(\"models/tiny-gpt2\")]",
            "[Dataset(\"data/train.jsonl\", Format = DatasetFormat.Alpaca, MaxLength = 64)]",
            "[LoraAdapter(Targets = [\"c_attn\", {|LORA0043:\"o_proj\"|}])]"));
        Assert.Contains("expected one of c_attn, c_proj, c_fc, lm_head", run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void LORA0043_without_a_close_name_lists_the_valid_ones_only()
    {
        var run = new TestProject().Verify(Experiments.With("[LoraAdapter(Targets = new[] { {|LORA0043:\"attention\"|} })]"));
        Assert.DoesNotContain("did you mean", run.Single.GetMessage(), StringComparison.Ordinal);
        Assert.False(run.Single.Properties.ContainsKey("Suggestion"));
    }

    [Theory]
    [InlineData("models/tiny-llama", "\"q_proj\", \"k_proj\", \"v_proj\", \"o_proj\", \"gate_proj\", \"up_proj\", \"down_proj\", \"lm_head\"")]
    [InlineData("models/tiny-llama", "\"self_attn.q_proj\", \"mlp.down_proj\", \"all-linear\"")]
    [InlineData("models/tiny-gpt2", "\"c_attn\", \"c_proj\", \"c_fc\", \"attn.c_proj\", \"mlp.c_proj\"")]
    public void LORA0043_not_reported_for_modules_of_the_family(string model, string targets)
    {
        new TestProject().Verify(Experiments.With(
            "[BaseModel(\"" + model + "\")]",
            "[Dataset(\"data/train.jsonl\", Format = DatasetFormat.Alpaca, MaxLength = 64)]",
            "[LoraAdapter(Targets = new[] { " + targets + " })]"));
    }

    [Fact]
    public void LORA0044_rank_above_the_narrowest_targeted_module()
    {
        var run = new TestProject().Verify(Experiments.With("[LoraAdapter({|LORA0044:Rank = 64|}, Targets = new[] { \"q_proj\", \"v_proj\" })]"));
        Assert.Contains("Rank 64 exceeds 32, the smaller width of targeted module 'self_attn.v_proj' (64 → 32)", run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void LORA0044_swept_rank_is_checked_at_its_value()
    {
        new TestProject().Verify(Experiments.With("[LoraAdapter(Targets = new[] { \"v_proj\" })]", "[Sweep(\"Rank\", 8, 32, {|LORA0044:48|})]"));
    }

    [Theory]
    [InlineData("[LoraAdapter(Rank = 32, Targets = new[] { \"q_proj\", \"v_proj\" })]")]
    [InlineData("[LoraAdapter(Rank = 64, Targets = new[] { \"q_proj\", \"o_proj\" })]")]
    public void LORA0044_not_reported_up_to_the_narrowest_width(string adapter)
    {
        new TestProject().Verify(Experiments.With(adapter));
    }

    [Fact]
    public void LORA0045_unknown_built_in_model()
    {
        var run = new TestProject().Verify(Experiments.With("[BaseModel({|LORA0045:\"tiny-llama\"|})]"));
        Assert.Contains("neither a built-in model (lora-tiny-en) nor a model folder", run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void LORA0045_not_reported_for_a_built_in_model()
    {
        new TestProject().Verify(Experiments.With("[BaseModel(\"lora-tiny-en\")]"));
    }

    [Fact]
    public void LORA0045_not_reported_for_a_folder_name_without_slash()
    {
        new TestProject()
            .WithFile("mymodel/config.json", Fixtures.TinyLlamaConfig)
            .Verify(Experiments.With("[BaseModel(\"mymodel\")]"));
    }

    [Fact]
    public void LORA0047_4bit_embeddings_on_a_model_whose_rows_are_not_whole_blocks()
    {
        var config = Fixtures.TinyLlamaConfig.Replace("\"hidden_size\": 64", "\"hidden_size\": 96", StringComparison.Ordinal);
        Assert.NotEqual(Fixtures.TinyLlamaConfig, config);
        var run = new TestProject()
            .WithFile("wide/config.json", config)
            .Verify(Experiments.With("[BaseModel(\"wide\")]", "[Quantize(QuantType.NF4, {|LORA0047:Embeddings = true|})]"));
        Assert.Contains("hidden_size 96, not a multiple of 64", run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void LORA0047_not_reported_without_4bit_embeddings_or_on_whole_blocks()
    {
        var config = Fixtures.TinyLlamaConfig.Replace("\"hidden_size\": 64", "\"hidden_size\": 96", StringComparison.Ordinal);
        new TestProject().WithFile("wide/config.json", config).Verify(Experiments.With("[BaseModel(\"wide\")]", "[Quantize(QuantType.NF4)]"));
        new TestProject().Verify(Experiments.With("[Quantize(QuantType.NF4, Embeddings = true)]"));
    }

    [Fact]
    public void LORA0046_max_length_above_the_model_positions_is_a_warning()
    {
        var run = new TestProject().Verify(Experiments.With("[Dataset(\"data/train.jsonl\", Format = DatasetFormat.Alpaca, {|LORA0046:MaxLength = 512|})]"));
        Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Warning, run.Single.Severity);
    }

    [Fact]
    public void LORA0046_default_max_length_is_reported_on_the_dataset_attribute()
    {
        new TestProject().Verify(Experiments.With("[{|LORA0046:Dataset(\"data/train.jsonl\", Format = DatasetFormat.Alpaca)|}]"));
    }

    [Fact]
    public void LORA0046_without_max_position_embeddings_uses_the_family_default()
    {
        // LlamaConfig's max_position_embeddings is 2048 when config.json has none, as at run time.
        var config = Fixtures.TinyLlamaConfig.Replace("\"max_position_embeddings\": 128,", "", StringComparison.Ordinal);
        Assert.NotEqual(Fixtures.TinyLlamaConfig, config);
        var run = new TestProject()
            .WithFile("models/long/config.json", config)
            .Verify(Experiments.With("[BaseModel(\"models/long\")]", "[Dataset(\"data/train.jsonl\", Format = DatasetFormat.Alpaca, {|LORA0046:MaxLength = 4096|})]"));
        Assert.Contains("2048", run.Single.GetMessage(), StringComparison.Ordinal);
        new TestProject()
            .WithFile("models/long/config.json", config)
            .Verify(Experiments.With("[BaseModel(\"models/long\")]", "[Dataset(\"data/train.jsonl\", Format = DatasetFormat.Alpaca, MaxLength = 2048)]"));
    }

    [Fact]
    public void LORA0046_not_reported_within_the_model_positions()
    {
        new TestProject().Verify(Experiments.With("[Dataset(\"data/train.jsonl\", Format = DatasetFormat.Alpaca, MaxLength = 128)]"));
    }
}
