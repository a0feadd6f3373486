using System.Text.Json.Nodes;
using Lora.Runtime.ChatTemplates;
using Lora.Runtime.Tokenization;

namespace Lora.Runtime.Data;

/// <summary>
/// A model's chat format for <see cref="Lora.DatasetFormat.Chat"/> rows: its chat template (or
/// <see cref="Lora.DefaultChatTemplate"/> when it has none), how a conversation becomes token ids with the loss on the
/// assistant's turns, the prompt a reply is generated from, and where a generated reply ends.
/// </summary>
/// <remarks>
/// The rendered text is tokenized as <c>apply_chat_template(tokenize=True)</c> does: without adding BOS (templates
/// write <c>bos_token</c> themselves), special tokens written in the text becoming their ids. The assistant's text is
/// where the template's <c>{% generation %}</c> blocks put it; without those blocks, it is found by rendering the
/// conversation's prefixes: the text that messages[..i+1] adds to messages[..i] with the generation prompt, up to the
/// end of the template's end-of-turn marker (trailing whitespace between turns carries no loss). Each stretch between
/// span boundaries is tokenized on its own, so a token never straddles the assistant's text and the rest.
/// </remarks>
public sealed class ChatFormat
{
    // A reply no template rewrites, to find what a template writes after a reply's content.
    const string ProbeReply = "LORA-PROBE-REPLY";

    readonly ModelChatTemplate _template;
    readonly ModelTokenizer _tokenizer;
    readonly DateTime _now;

    ChatFormat(ModelChatTemplate template, ModelTokenizer tokenizer, bool isDefault, DateTime now)
    {
        (_template, _tokenizer, IsDefault, _now) = (template, tokenizer, isDefault, now);
        EndOfTurn = FindEndOfTurn();
        var stops = tokenizer.EosIds.ToList();
        if (EndOfTurn is not null && tokenizer.LeadingAddedToken(EndOfTurn) is int id && !stops.Contains(id)) stops.Add(id);
        StopIds = stops;
    }

    /// <summary>Whether the model has no template of its own and <see cref="Lora.DefaultChatTemplate.ChatMl"/> is used.</summary>
    public bool IsDefault { get; }

    /// <summary>Where the template came from: the model folder's file, or the default's name.</summary>
    public string Source => _template.Source;

    /// <summary>The template itself, with the model's special tokens: what a chat client renders a request's conversation with.</summary>
    public ModelChatTemplate Template => _template;

    /// <summary>The template's text, as a merged model or an adapter carries it in <c>chat_template.jinja</c>.</summary>
    public string TemplateText => _template.Template.Source;

    /// <summary>What the template writes right after a reply's content (<c>&lt;|im_end|&gt;</c>, <c>&lt;|eot_id|&gt;</c>,
    /// <c>&lt;end_of_turn&gt;</c>), up to the first whitespace; null when it writes nothing there.</summary>
    public string? EndOfTurn { get; }

    /// <summary>Ids that end a generated reply: the tokenizer's EOS ids and the end-of-turn marker when it is one token.</summary>
    public IReadOnlyList<int> StopIds { get; }

    /// <summary>What generation of a reply stops at: the model's own EOS ids (config.json, generation_config.json) and
    /// <see cref="StopIds"/>.</summary>
    /// <param name="modelEosIds">The model's EOS ids.</param>
    public IReadOnlyList<int> GenerationStops(IEnumerable<int> modelEosIds) => modelEosIds.Union(StopIds).ToList();

    /// <summary>
    /// The chat format of the model in <paramref name="modelFolder"/>: its own template, or the default ChatML one.
    /// </summary>
    /// <param name="modelFolder">The base model's folder.</param>
    /// <param name="tokenizer">The base model's tokenizer.</param>
    /// <param name="now">What the template's <c>strftime_now</c> gives: one date for the whole run, so that every row
    /// of a run, and a resumed run, sees the same text.</param>
    /// <exception cref="ChatTemplateException">The folder's template does not parse or uses an unsupported feature.</exception>
    public static ChatFormat Load(string modelFolder, ModelTokenizer tokenizer, DateTime now) =>
        new(TemplateOf(modelFolder, out bool isDefault), tokenizer, isDefault, now);

    /// <summary>
    /// The chat format of an adapter over the model in <paramref name="modelFolder"/>: the template the adapter carries
    /// (<see cref="Peft.PeftAdapter.ChatTemplateFileName"/>, the one it was trained with) with the model's special tokens, or
    /// the model's own format (<see cref="Load"/>) when the adapter carries none.
    /// </summary>
    /// <param name="modelFolder">The base model's folder.</param>
    /// <param name="adapterFolder">The PEFT adapter's folder.</param>
    /// <param name="tokenizer">The base model's tokenizer.</param>
    /// <param name="now">What the template's <c>strftime_now</c> gives.</param>
    /// <exception cref="ChatTemplateException">A template does not parse or uses an unsupported feature.</exception>
    public static ChatFormat ForAdapter(string modelFolder, string adapterFolder, ModelTokenizer tokenizer, DateTime now)
    {
        var carried = Path.Combine(adapterFolder, Peft.PeftAdapter.ChatTemplateFileName);
        return File.Exists(carried)
            ? new(ChatTemplateLoader.FromText(modelFolder, File.ReadAllText(carried), carried), tokenizer, isDefault: false, now)
            : Load(modelFolder, tokenizer, now);
    }

    /// <summary>
    /// The template Chat rows of the model in <paramref name="modelFolder"/> are rendered with: the folder's own, or
    /// <see cref="Lora.DefaultChatTemplate.ChatMl"/> with the folder's special tokens when it has none. Needs no tokenizer.
    /// </summary>
    /// <param name="modelFolder">The base model's folder.</param>
    /// <param name="isDefault">Whether the folder has no template and the default is used.</param>
    /// <exception cref="ChatTemplateException">The folder's template does not parse or uses an unsupported feature.</exception>
    public static ModelChatTemplate TemplateOf(string modelFolder, out bool isDefault)
    {
        isDefault = !ChatTemplateLoader.HasChatTemplate(modelFolder);
        return isDefault
            ? ChatTemplateLoader.FromText(modelFolder, Lora.DefaultChatTemplate.ChatMl, $"the default {Lora.DefaultChatTemplate.Name} template")
            : ChatTemplateLoader.Load(modelFolder);
    }

    /// <summary>
    /// A conversation's token ids and, per id, whether it is the assistant's text (which carries the loss).
    /// </summary>
    /// <param name="messages">The row's <c>messages</c>.</param>
    /// <param name="where">The row's file:line, for errors.</param>
    /// <param name="everyToken">Every token carries loss (TrainOnInputs): no assistant spans are needed.</param>
    /// <param name="tools">The row's <c>tools</c>, passed to the template as TRL passes a dataset's tools column; null for none.</param>
    public (List<int> Ids, List<bool> Assistant) Tokenize(JsonArray messages, string where, bool everyToken, JsonNode? tools = null)
    {
        var conversation = messages.ToList();
        var rendering = Render(conversation, tools, addGenerationPrompt: false, where);
        string text = rendering.Text;
        var spans = everyToken ? new List<(int Start, int End)> { (0, text.Length) }
            : rendering.GenerationSpans.Count > 0 ? Merged(rendering.GenerationSpans.Select(s => (s.Start, s.End)))
            : PrefixSpans(conversation, tools, text, where);

        var ids = new List<int>();
        var assistant = new List<bool>();
        int position = 0;
        foreach (var (start, end) in spans)
        {
            Append(text[position..start], false);
            Append(text[start..end], true);
            position = end;
        }
        Append(text[position..], false);
        return (ids, assistant);

        void Append(string stretch, bool isAssistant)
        {
            if (stretch.Length == 0) return;
            var stretchIds = _tokenizer.Encode(stretch, addBos: false);
            ids.AddRange(stretchIds);
            assistant.AddRange(Enumerable.Repeat(isAssistant, stretchIds.Count));
        }
    }

    /// <summary>
    /// The prompt a reply to the conversation's last message is generated from (the conversation before it, with the
    /// generation prompt), and that reply's reference text; null when the conversation does not end with the assistant.
    /// </summary>
    public (string Prompt, string Completion)? PromptAndCompletion(JsonArray messages, string where, JsonNode? tools = null)
    {
        var conversation = messages.ToList();
        if (conversation.Count < 2 || Role(conversation[^1]) != "assistant") return null;
        return (Render(conversation[..^1], tools, addGenerationPrompt: true, where).Text, Content(conversation[^1]));
    }

    /// <summary>A generated reply up to the end-of-turn marker, for a tokenizer that does not have it as one token
    /// (the default template's <c>&lt;|im_end|&gt;</c> on a base model's tokenizer).</summary>
    public string CutAtEndOfTurn(string reply) =>
        EndOfTurn is not null && reply.IndexOf(EndOfTurn, StringComparison.Ordinal) is var at and >= 0 ? reply[..at] : reply;

    /// <summary>The assistant spans of a template without generation blocks, found by rendering prefixes.</summary>
    List<(int Start, int End)> PrefixSpans(List<JsonNode?> conversation, JsonNode? tools, string text, string where)
    {
        var spans = new List<(int, int)>();
        for (int i = 0; i < conversation.Count; i++)
        {
            if (Role(conversation[i]) != "assistant") continue;
            string prompt = Render(conversation[..i], tools, addGenerationPrompt: true, where).Text;
            string turn = Render(conversation[..(i + 1)], tools, addGenerationPrompt: false, where).Text;
            if (!turn.StartsWith(prompt, StringComparison.Ordinal) || !text.StartsWith(turn, StringComparison.Ordinal))
                throw new DatasetException(
                    $"{where}: the chat template ({Source}) does not render the first {i + 1} messages of this conversation as the start of " +
                    $"the whole conversation, so the assistant's message {i + 1} cannot be located by rendering prefixes. " +
                    "Mark the assistant's text in the template with {% generation %}…{% endgeneration %}, or train on every token (TrainOnInputs = true).");
            int end = turn.Length;
            while (end > prompt.Length && char.IsWhiteSpace(turn[end - 1])) end--;
            if (end > prompt.Length) spans.Add((prompt.Length, end));
        }
        return spans;
    }

    /// <summary>Generation spans in order, overlapping or touching ones joined.</summary>
    static List<(int Start, int End)> Merged(IEnumerable<(int Start, int End)> spans)
    {
        var merged = new List<(int Start, int End)>();
        foreach (var span in spans.Where(s => s.End > s.Start).OrderBy(s => s.Start))
        {
            if (merged.Count > 0 && span.Start <= merged[^1].End)
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, span.End));
            else
                merged.Add(span);
        }
        return merged;
    }

    ChatTemplateRendering Render(List<JsonNode?> conversation, JsonNode? tools, bool addGenerationPrompt, string where)
    {
        try
        {
            return _template.Render(conversation, addGenerationPrompt, tools, now: _now);
        }
        catch (ChatTemplateRaisedException e)
        {
            throw new DatasetException($"{where}: the chat template ({Source}) refuses this conversation: {e.Message}");
        }
        catch (ChatTemplateRenderException e)
        {
            throw new DatasetException($"{where}: the chat template ({Source}) fails on this conversation: {e.Message}");
        }
    }

    /// <summary>The first stretch of text the template writes after a reply's content, up to whitespace.</summary>
    string? FindEndOfTurn()
    {
        JsonObject Message(string role, string content) => new() { ["role"] = role, ["content"] = content };
        List<JsonNode?>[] probes =
        [
            [Message("user", "Hi"), Message("assistant", ProbeReply)],
            [Message("system", "S"), Message("user", "Hi"), Message("assistant", ProbeReply)],
        ];
        foreach (var probe in probes)
        {
            string text;
            try { text = _template.Render(probe, addGenerationPrompt: false, now: _now).Text; }
            catch (ChatTemplateRenderException) { continue; }
            int at = text.LastIndexOf(ProbeReply, StringComparison.Ordinal);
            if (at < 0) continue;
            string tail = text[(at + ProbeReply.Length)..].TrimStart(' ');
            if (_tokenizer.LeadingAddedToken(tail) is int id && _tokenizer.Decode([id], skipSpecial: false) is { Length: > 0 } token
                && tail.StartsWith(token, StringComparison.Ordinal))
                return token;
            int stop = 0;
            while (stop < tail.Length && !char.IsWhiteSpace(tail[stop])) stop++;
            return stop > 0 ? tail[..stop] : null;
        }
        return null;
    }

    static string? Role(JsonNode? message) =>
        message is JsonObject o && o["role"] is JsonValue v && v.TryGetValue<string>(out var role) ? role : null;

    /// <summary>A message's content as text; other JSON (a list of parts) as JSON writes it, as <see cref="JsonlRow.Text"/> does.</summary>
    static string Content(JsonNode? message) => message?["content"] switch
    {
        JsonValue v when v.TryGetValue<string>(out var content) => content,
        null => "",
        var other => other.ToJsonString(),
    };
}
