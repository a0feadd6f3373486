using System.Text.Json;

namespace Lora.Runtime.Export.Gguf;

/// <summary>The raw text of a folder's chat template, for <c>tokenizer.chat_template</c>, in transformers' order of places.</summary>
public static class ChatTemplateText
{
    /// <summary>chat_template.jinja, else chat_template.json's or tokenizer_config.json's <c>chat_template</c> (a string, or the
    /// entry named "default" of a list); null when the folder has none.</summary>
    public static string? Read(string folder)
    {
        var jinja = Path.Combine(folder, Peft.PeftAdapter.ChatTemplateFileName);
        if (File.Exists(jinja)) return File.ReadAllText(jinja);
        foreach (var file in new[] { "chat_template.json", "tokenizer_config.json" })
        {
            var path = Path.Combine(folder, file);
            if (!File.Exists(path)) continue;
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("chat_template", out var template)) continue;
            if (template.ValueKind == JsonValueKind.String) return template.GetString();
            if (template.ValueKind == JsonValueKind.Array)
                foreach (var entry in template.EnumerateArray())
                    if (entry.TryGetProperty("name", out var name) && name.GetString() == "default" && entry.TryGetProperty("template", out var text))
                        return text.GetString();
        }
        return null;
    }
}
