using System.Text.Json.Nodes;
using Lora.Runtime.Adapters;
using Lora.Runtime.Models;
using Lora.Runtime.Peft;
using Lora.Runtime.Tests.Cli;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Chat;

/// <summary>
/// The tiny-llama fixture (random weights) as a chat model: the byte-level tokenizer with the ChatML markers as special tokens
/// (<c>&lt;bos&gt;</c> 300, <c>&lt;eos&gt;</c> 301, <c>&lt;|im_start|&gt;</c> 302, <c>&lt;|im_end|&gt;</c> 303), a ChatML
/// chat template, 512 positions, and EOS 301 in config.json and generation_config.json; adapters made by perturbing B.
/// </summary>
internal static class TinyChatModel
{
    public const int Bos = 300, Eos = 301, ImStart = 302, ImEnd = 303;

    static readonly string[] Markers = ["<bos>", "<eos>", "<|im_start|>", "<|im_end|>"];

    public const string ChatMl = """
        {%- for m in messages -%}
        {{- '<|im_start|>' + m.role + '\n' + m.content + '<|im_end|>\n' -}}
        {%- endfor -%}
        {%- if add_generation_prompt -%}{{- '<|im_start|>assistant\n' -}}{%- endif -%}
        """;

    /// <summary>Another format, in plain text: what an adapter may carry when it was trained on it.</summary>
    public const string Bracketed = """
        {%- for m in messages -%}{{- '[' + m.role + '] ' + m.content + '\n' -}}{%- endfor -%}
        {%- if add_generation_prompt -%}{{- '[assistant] ' -}}{%- endif -%}
        """;

    /// <summary>Writes the model into <paramref name="folder"/>/<paramref name="name"/> and returns its path.</summary>
    /// <param name="eos">The model's EOS id (config.json, generation_config.json).</param>
    /// <param name="template">The chat template; null for none (the default ChatML then).</param>
    public static string Write(TempFolder folder, string name = "tiny-chat", int eos = Eos, string? template = ChatMl)
    {
        var path = folder.CopyOf(RepoPaths.Fixture("tiny-llama", "base"), name);
        SmallByteLevelTokenizer.WriteTo(path);
        var decoder = new JsonObject();
        for (int i = 0; i < Markers.Length; i++) decoder[(300 + i).ToString()] = new JsonObject { ["content"] = Markers[i], ["special"] = true };
        var tokenizerConfig = new JsonObject { ["bos_token"] = "<bos>", ["eos_token"] = "<eos>", ["added_tokens_decoder"] = decoder };
        File.WriteAllText(Path.Combine(path, "tokenizer_config.json"), tokenizerConfig.ToJsonString());
        if (template is not null) File.WriteAllText(Path.Combine(path, "chat_template.jinja"), template);
        foreach (var file in new[] { "config.json", "generation_config.json" })
        {
            var json = JsonNode.Parse(File.ReadAllText(Path.Combine(path, file)))!.AsObject();
            json["eos_token_id"] = eos;
            json["bos_token_id"] = Bos;
            if (file == "config.json") json["max_position_embeddings"] = 512;
            File.WriteAllText(Path.Combine(path, file), json.ToJsonString());
        }
        return path;
    }

    /// <summary>
    /// An adapter over the model in <paramref name="modelFolder"/> whose B factors are drawn from <paramref name="seed"/>
    /// (PEFT's initial B is zero, which would change nothing), saved as a PEFT folder; with <paramref name="chatTemplate"/> it
    /// carries that template, as an adapter trained on chat does.
    /// </summary>
    public static string WriteAdapter(TempFolder folder, string modelFolder, string name, int seed, string? chatTemplate = null)
    {
        using var model = ModelLoader.Load(modelFolder);
        var settings = new LoraConfig { Rank = 4, Alpha = 8, TargetModules = ["q_proj", "v_proj", "o_proj", "down_proj"] };
        manual_seed(seed);
        LoraAdapters.Attach(model, "default", settings);
        using (no_grad())
            foreach (var (_, layer) in model.Projections().Where(p => p.Layer.HasAdapter("default")))
                layer.LoraB("default").normal_(0, 0.5);
        var path = folder.Child(name);
        PeftAdapter.Save(model, "default", settings, path, chatTemplate: chatTemplate);
        return path;
    }
}
