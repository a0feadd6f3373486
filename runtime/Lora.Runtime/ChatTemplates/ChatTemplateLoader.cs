using System.Text.Json;

namespace Lora.Runtime.ChatTemplates;

/// <summary>
/// Finds and parses a model folder's chat template as transformers does: <c>chat_template.jinja</c> first, then
/// <c>chat_template.json</c>, then <c>chat_template</c> in <c>tokenizer_config.json</c>; a list of {name, template}
/// (or a name → template object) uses the one named "default" ("tool_use" when tools are given).
/// </summary>
public static class ChatTemplateLoader
{
    private const string TokenizerConfigFile = "tokenizer_config.json";
    private const string JinjaFile = "chat_template.jinja";
    private const string JsonFile = "chat_template.json";

    /// <summary>Whether <paramref name="folder"/> has a chat template in any of the three places.</summary>
    public static bool HasChatTemplate(string folder)
    {
        if (File.Exists(Path.Combine(folder, JinjaFile)) || File.Exists(Path.Combine(folder, JsonFile)))
            return true;
        var config = Path.Combine(folder, TokenizerConfigFile);
        if (!File.Exists(config))
            return false;
        using var document = JsonDocument.Parse(File.ReadAllText(config));
        return document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty("chat_template", out var template) && template.ValueKind != JsonValueKind.Null;
    }

    /// <exception cref="ChatTemplateException">No template, a malformed one, or one using unsupported features.</exception>
    public static ModelChatTemplate Load(string folder)
    {
        var configPath = Path.Combine(folder, TokenizerConfigFile);
        using var config = JsonDocument.Parse(File.Exists(configPath) ? File.ReadAllText(configPath) : "{}");
        var root = config.RootElement;

        // transformers' order: the .jinja file, then the .json file, then the config's own chat_template.
        var jinjaPath = Path.Combine(folder, JinjaFile);
        if (File.Exists(jinjaPath))
            return Build(new Dictionary<string, string> { [""] = File.ReadAllText(jinjaPath) }, root, jinjaPath);

        var jsonPath = Path.Combine(folder, JsonFile);
        if (File.Exists(jsonPath))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(jsonPath));
            if (json.RootElement.ValueKind != JsonValueKind.Object || !json.RootElement.TryGetProperty("chat_template", out var fromJson))
                throw new ChatTemplateException($"{jsonPath} has no \"chat_template\".");
            return Build(ReadTemplates(fromJson, jsonPath), root, jsonPath);
        }

        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("chat_template", out var fromConfig)
            && fromConfig.ValueKind != JsonValueKind.Null)
            return Build(ReadTemplates(fromConfig, configPath), root, configPath);

        throw new ChatTemplateException(
            $"{folder}: no chat template ({TokenizerConfigFile} \"chat_template\", {JinjaFile} or {JsonFile}).");
    }

    /// <summary>
    /// <paramref name="template"/> with <paramref name="folder"/>'s special tokens (from its <c>tokenizer_config.json</c>):
    /// a template the folder does not hold, such as <see cref="Lora.DefaultChatTemplate"/> for a model without one.
    /// </summary>
    /// <param name="folder">The model folder whose special tokens the template sees.</param>
    /// <param name="template">The template's text.</param>
    /// <param name="source">What the template is, for messages.</param>
    public static ModelChatTemplate FromText(string folder, string template, string source)
    {
        var configPath = Path.Combine(folder, TokenizerConfigFile);
        using var config = JsonDocument.Parse(File.Exists(configPath) ? File.ReadAllText(configPath) : "{}");
        return Build(new Dictionary<string, string> { [""] = template }, config.RootElement, source);
    }

    /// <summary>A template string (key ""), or named templates from a list of {name, template} or an object.</summary>
    private static Dictionary<string, string> ReadTemplates(JsonElement value, string source)
    {
        var templates = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                templates[""] = value.GetString()!;
                break;
            case JsonValueKind.Array:
                foreach (var entry in value.EnumerateArray())
                {
                    if (entry.ValueKind != JsonValueKind.Object
                        || !entry.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String
                        || !entry.TryGetProperty("template", out var template) || template.ValueKind != JsonValueKind.String)
                        throw new ChatTemplateException($"{source}: each named chat template needs a string \"name\" and \"template\".");
                    templates[name.GetString()!] = template.GetString()!;
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    if (property.Value.ValueKind != JsonValueKind.String)
                        throw new ChatTemplateException($"{source}: chat template '{property.Name}' is not a string.");
                    templates[property.Name] = property.Value.GetString()!;
                }

                break;
            default:
                throw new ChatTemplateException($"{source}: \"chat_template\" must be a string or a list of named templates.");
        }

        return templates;
    }

    private static ModelChatTemplate Build(Dictionary<string, string> templates, JsonElement config, string source)
    {
        var named = new Dictionary<string, ChatTemplate>(StringComparer.Ordinal);
        foreach (var (name, text) in templates)
        {
            try
            {
                named[name] = ChatTemplate.Parse(text);
            }
            catch (ChatTemplateException e) when (e.Line > 0)
            {
                var which = name.Length == 0 ? "" : $" (template '{name}')";
                throw new ChatTemplateException(e.Line, e.Column, $"{e.Problem} [{source}{which}]");
            }
        }

        if (ModelChatTemplate.MainTemplateName(named.Keys, out var problem) is not { } main)
            throw new ChatTemplateException($"{source}: {problem}");
        return new ModelChatTemplate(named[main], named, ReadSpecialTokens(config), source);
    }

    /// <summary>What <c>tokenizer.special_tokens_map</c> gives: the set ones, as strings (an AddedToken's content).</summary>
    private static Dictionary<string, object?> ReadSpecialTokens(JsonElement config)
    {
        var tokens = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (config.ValueKind != JsonValueKind.Object)
            return tokens;
        foreach (var key in ModelChatTemplate.SpecialTokenNames)
        {
            if (!config.TryGetProperty(key, out var value))
                continue;
            object? token = value.ValueKind switch
            {
                JsonValueKind.Object => value.TryGetProperty("content", out var content) ? TemplateValues.FromJson(content) : null,
                JsonValueKind.Array => value.EnumerateArray()
                    .Select(v => v.ValueKind == JsonValueKind.Object
                        ? (v.TryGetProperty("content", out var c) ? TemplateValues.FromJson(c) : null)
                        : TemplateValues.FromJson(v))
                    .ToList(),
                _ => TemplateValues.FromJson(value),
            };
            if (Values.PyOps.IsTrue(token))
                tokens[key] = token;
        }

        return tokens;
    }
}
