using Lora.Runtime.Tokenization;

namespace Lora.Runtime.Data;

/// <summary>
/// Turns dataset rows into token ids and labels for each format, with the loss masked on prompt tokens
/// (completion-only) unless asked otherwise, EOS appended to every completion, and truncation counted. Chat rows are
/// rendered with the model's chat format (<paramref name="chat"/>), which writes its own turn ends.
/// </summary>
public sealed class ExampleBuilder(ModelTokenizer? tokenizer, DatasetSettings settings, ChatFormat? chat = null)
{
    public const long Ignore = -100;

    /// <summary>The chat format Chat rows are rendered with; null for other formats.</summary>
    public ChatFormat? Chat => chat;
    /// <summary>Examples cut to <see cref="DatasetSettings.MaxLength"/> so far.</summary>
    public int Truncated { get; private set; }

    public TokenizedExample Build(JsonlRow row)
    {
        TokenizedExample example;
        try
        {
            example = settings.Format switch
            {
                DatasetFormat.TokenIds => FromIds(row),
                DatasetFormat.Alpaca => FromPromptAndCompletion(row, AlpacaTemplate(row), "{output}"),
                DatasetFormat.Jsonl when settings.Prompt is not null => FromPromptAndCompletion(row, settings.Prompt, settings.Completion ?? ""),
                DatasetFormat.Jsonl => FromText(row, settings.TextField ?? "text"),
                DatasetFormat.Chat => FromChat(row),
                _ => throw new DatasetException($"{row.Where}: dataset format {settings.Format} is not supported."),
            };
        }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException e)
        {
            throw new DatasetException($"{row.Where}: the tokenizer's split pattern (tokenizer.json's pre_tokenizer) took more than " +
                $"{e.MatchTimeout.TotalSeconds:0} s on this row; the pattern backtracks without end: '{e.Pattern}'.", row.File, row.Line);
        }
        // Every error about this row (a missing field, a template that fails on it) is located at its line.
        catch (DatasetException e) when (e.File is null)
        {
            throw e.At(row.File, row.Line);
        }
        if (example.TrainableTokens == 0)
            throw new DatasetException(
                $"{row.Where}: no token of this example carries loss ({example.InputIds.Length} tokens, all of them prompt; MaxLength {settings.MaxLength}); " +
                "the completion is empty or was cut off by truncation. Shorten the prompt, raise MaxLength, or drop the line.", row.File, row.Line);
        return example;
    }

    /// <summary>
    /// The prompt text and the reference completion (without EOS) of a row, for generation-based metrics; null for
    /// formats without one. A chat row's prompt is the conversation before its last (assistant) message, rendered with
    /// the generation prompt; its completion is that message's content.
    /// </summary>
    public (string Prompt, string Completion)? PromptAndCompletion(JsonlRow row) => settings.Format switch
    {
        DatasetFormat.Chat => ChatOf(row).PromptAndCompletion(Messages(row), row.Where, Tools(row)),
        DatasetFormat.Alpaca => (PromptTemplates.Fill(AlpacaTemplate(row), row), PromptTemplates.Fill("{output}", row)),
        DatasetFormat.Jsonl when settings.Prompt is not null => (PromptTemplates.Fill(settings.Prompt, row), PromptTemplates.Fill(settings.Completion ?? "", row)),
        _ => null,
    };

    /// <summary>A prompt from <see cref="PromptAndCompletion"/> as token ids: with BOS by the model's rule, except a
    /// chat prompt, whose template writes BOS itself.</summary>
    public IReadOnlyList<int> EncodePrompt(string prompt)
    {
        var tok = tokenizer ?? throw new InvalidOperationException("Prompts are encoded with the base model's tokenizer, and its folder has none.");
        return tok.Encode(prompt, addBos: settings.Format != DatasetFormat.Chat && tok.AddsBos);
    }

    /// <summary>The Stanford Alpaca prompt: the variant with an input section only when the row has a non-empty input.</summary>
    static string AlpacaTemplate(JsonlRow row) =>
        row.Text("input", required: false).Length > 0 ? PromptTemplates.AlpacaWithInput : PromptTemplates.AlpacaNoInput;

    TokenizedExample FromIds(JsonlRow row)
    {
        if (row.Value["input_ids"] is not System.Text.Json.Nodes.JsonArray array)
            throw new DatasetException($"{row.Where}: field 'input_ids' must be an array of token ids.");
        int[] ids;
        try { ids = array.Select(n => n!.GetValue<int>()).ToArray(); }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException)
        { throw new DatasetException($"{row.Where}: 'input_ids' must hold integers only."); }
        if (ids.FirstOrDefault(i => i < 0) is var negative && negative < 0)
            throw new DatasetException($"{row.Where}: token id {negative} is negative; token ids are 0 or more.");
        if (tokenizer is not null && ids.FirstOrDefault(i => i >= tokenizer.VocabSize) is var bad && bad >= tokenizer.VocabSize)
            throw new DatasetException($"{row.Where}: token id {bad} is outside the vocabulary (0..{tokenizer.VocabSize - 1}).");
        // Token-id rows are plain language modelling: every next token carries loss.
        return Truncate(ids, ids.Select(i => (long)i).ToArray(), row.Where);
    }

    TokenizedExample FromText(JsonlRow row, string field)
    {
        var ids = Tokenizer(row).Encode(row.Text(field), Tokenizer(row).AddsBos).ToList();
        if (settings.AddEos && Tokenizer(row).EosId is int eos) ids.Add(eos);
        return Truncate(ids.ToArray(), ids.Select(i => (long)i).ToArray(), row.Where);
    }

    TokenizedExample FromPromptAndCompletion(JsonlRow row, string promptTemplate, string completionTemplate)
    {
        var tok = Tokenizer(row);
        var prompt = tok.Encode(PromptTemplates.Fill(promptTemplate, row), tok.AddsBos);
        var completion = tok.Encode(PromptTemplates.Fill(completionTemplate, row), addBos: false).ToList();
        if (settings.AddEos && tok.EosId is int eos) completion.Add(eos);
        var ids = prompt.Concat(completion).ToArray();
        var labels = prompt.Select(p => settings.TrainOnInputs ? p : Ignore).Concat(completion.Select(c => (long)c)).ToArray();
        return Truncate(ids, labels, row.Where);
    }

    /// <summary>
    /// Chat rows: {"messages": [{"role", "content"}, …]}, rendered with the model's chat template; the assistant's turns
    /// (content and the template's end-of-turn marker) carry loss, the rest only with TrainOnInputs.
    /// </summary>
    TokenizedExample FromChat(JsonlRow row)
    {
        var (ids, assistant) = ChatOf(row).Tokenize(Messages(row), row.Where, everyToken: settings.TrainOnInputs, Tools(row));
        var labels = ids.Select((id, i) => assistant[i] ? id : Ignore).ToArray();
        return Truncate(ids.ToArray(), labels, row.Where);
    }

    /// <summary>A chat row's messages, each an object with a string "role" and a "content".</summary>
    static System.Text.Json.Nodes.JsonArray Messages(JsonlRow row)
    {
        if (row.Value["messages"] is not System.Text.Json.Nodes.JsonArray messages || messages.Count == 0)
            throw new DatasetException($"{row.Where}: field 'messages' must be a non-empty array of {{\"role\", \"content\"}} objects.");
        foreach (var node in messages)
        {
            var message = new JsonlRow(row.File, row.Line, node as System.Text.Json.Nodes.JsonObject
                ?? throw new DatasetException($"{row.Where}: each message must be an object with 'role' and 'content'."));
            message.Text("role");
            message.Text("content");
        }
        return messages;
    }

    /// <summary>A chat row's <c>tools</c> (function definitions the template may render), null when it has none.</summary>
    static System.Text.Json.Nodes.JsonNode? Tools(JsonlRow row) => row.Value["tools"];

    ChatFormat ChatOf(JsonlRow row) => chat
        ?? throw new DatasetException($"{row.Where}: the Chat format needs the base model's tokenizer and chat format, and its folder has no tokenizer.");

    TokenizedExample Truncate(int[] ids, long[] labels, string source)
    {
        if (ids.Length <= settings.MaxLength) return new TokenizedExample(ids, labels, source);
        Truncated++;
        return new TokenizedExample(ids[..settings.MaxLength], labels[..settings.MaxLength], source);
    }

    ModelTokenizer Tokenizer(JsonlRow row) => tokenizer
        ?? throw new DatasetException($"{row.Where}: the {settings.Format} format needs the base model's tokenizer, and its folder has none.");
}
