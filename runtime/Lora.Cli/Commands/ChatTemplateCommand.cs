using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lora.Cli.Arguments;
using Lora.Cli.Output;
using Lora.Runtime.ChatTemplates;
using Lora.Runtime.Data;
using Lora.Runtime.Tokenization;

namespace Lora.Cli.Commands;

/// <summary>
/// <c>lora chat-template --model DIR --messages FILE [--add-generation-prompt] [--date YYYY-MM-DD] [--tokens]</c>: what a
/// model sees of a conversation. Prints the text its chat template renders, exactly (no newline added, UTF-8), or with
/// <c>--tokens</c> the token ids with the training loss mask (<see cref="TokenLines"/>). A model without a template is
/// rendered with the default ChatML one, as training does, and stderr says so. A template's <c>raise_exception</c>
/// exits with <see cref="CliApp.TemplateRaised"/> and its message on stderr.
/// </summary>
public static class ChatTemplateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model")
        {
            Description = "Hugging Face model folder with the chat template (chat_template.jinja, chat_template.json or " +
                          "tokenizer_config.json \"chat_template\") and its special tokens (tokenizer_config.json), or a model id " +
                          "ORG/NAME[@REVISION] in the Hugging Face cache.",
            HelpName = "DIR|ORG/NAME",
            Required = true,
            CustomParser = result => ModelReference.Parse(result, "--model"),
        };
        var messages = new Option<string>("--messages")
        {
            Description = "JSON file with the conversation: a list of {\"role\", \"content\"} messages, or an object with " +
                          "\"messages\" (a Chat dataset row); - reads standard input.",
            HelpName = "FILE",
            Required = true,
        };
        var addGenerationPrompt = new Option<bool>("--add-generation-prompt")
        {
            Description = "End with the prompt a reply is generated from (the template's add_generation_prompt); " +
                          "with --tokens, print the ids generation starts from.",
        };
        var date = new Option<DateOnly?>("--date")
        {
            Description = "The day the template's strftime_now reports (00:00 of it, as training renders); default today, local time.",
            HelpName = "YYYY-MM-DD",
            CustomParser = ParseDate,
        };
        var tokens = new Option<bool>("--tokens")
        {
            Description = "Print the token ids instead of the text, one line each: id, loss (1 when the token carries loss " +
                          "in training, else 0) and the token's text as a JSON string, separated by tabs. Needs the model's tokenizer.",
        };
        var command = new Command("chat-template",
            "Print what a model sees of a conversation: the text its chat template renders, exactly, or with --tokens the ids and the training loss mask.")
        {
            model, messages, addGenerationPrompt, date, tokens,
        };
        command.SetAction(parse => Run(parse.GetRequiredValue(model), parse.GetRequiredValue(messages), parse.GetValue(addGenerationPrompt),
                                       parse.GetValue(date), parse.GetValue(tokens), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    private static DateOnly? ParseDate(ArgumentResult result)
    {
        string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return day;
        result.AddError($"--date '{text}': expected a day as YYYY-MM-DD, e.g. 2024-07-26.");
        return null;
    }

    private static int Run(string modelFolder, string messagesPath, bool addGenerationPrompt, DateOnly? date, bool tokens,
                           TextWriter stdout, TextWriter stderr)
    {
        if (!Directory.Exists(modelFolder)) throw new CommandInputException($"--model {modelFolder}: no such folder.");
        var conversation = ChatMessagesFile.Read(messagesPath);
        // Training renders a whole run with one date, today's at 00:00 (LoadedExperiment); --date picks another day.
        DateTime now = date?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Local) ?? DateTime.Today;
        var tokenizer = tokens ? TokenizerOf(modelFolder) : null;

        var template = LoadTemplate(modelFolder, out bool isDefault);
        if (isDefault)
            stderr.WriteLine($"lora: note: {modelFolder} has no chat template (chat_template.jinja, chat_template.json or tokenizer_config.json " +
                             $"\"chat_template\"); rendered with {template.Source}, as training does for this model.");

        string text;
        try
        {
            text = template.Render(conversation, addGenerationPrompt, now: now).Text;
        }
        catch (ChatTemplateRaisedException e)
        {
            stderr.WriteLine($"lora: chat template: {e.Message}");
            return CliApp.TemplateRaised;
        }
        catch (ChatTemplateRenderException e)
        {
            throw new CommandInputException($"the chat template ({template.Source}) fails on {ChatMessagesFile.Describe(messagesPath)}: {e.Message}");
        }

        if (tokenizer is null)
        {
            stdout.Write(text);
            return CliApp.Success;
        }
        var (ids, loss) = addGenerationPrompt ? GenerationPromptIds(tokenizer, text) : TrainingIds(modelFolder, tokenizer, conversation, messagesPath, now);
        TokenLines.Write(stdout, tokenizer, ids, loss);
        return CliApp.Success;
    }

    /// <summary>The ids and loss mask training gives the conversation: <see cref="ChatFormat.Tokenize"/>, as ExampleBuilder calls it.</summary>
    private static (IReadOnlyList<int> Ids, IReadOnlyList<bool> Loss) TrainingIds(string modelFolder, ModelTokenizer tokenizer, JsonArray conversation,
                                                                                  string messagesPath, DateTime now)
    {
        try
        {
            var format = ChatFormat.Load(modelFolder, tokenizer, now);
            return format.Tokenize(conversation, ChatMessagesFile.Describe(messagesPath), everyToken: false);
        }
        catch (DatasetException e)
        {
            throw new CommandInputException(e.Message);
        }
    }

    /// <summary>The ids generation starts from: the text with the generation prompt encoded whole, without BOS (the template
    /// writes it), as evaluation encodes a chat prompt (ExampleBuilder.EncodePrompt); none carries loss.</summary>
    private static (IReadOnlyList<int> Ids, IReadOnlyList<bool> Loss) GenerationPromptIds(ModelTokenizer tokenizer, string text)
    {
        var ids = tokenizer.Encode(text, addBos: false);
        return (ids, new bool[ids.Count]);
    }

    private static ModelTokenizer TokenizerOf(string modelFolder) =>
        ModelTokenizer.LoadIfPresent(modelFolder) ?? throw new CommandInputException(
            $"--tokens needs the model's tokenizer, but {modelFolder} has none ({string.Join(", ", ModelTokenizer.TokenizerFiles)}); leave --tokens out to print the text.");

    /// <summary>The template training renders the model's Chat rows with (<see cref="ChatFormat.TemplateOf"/>); a template that does
    /// not load is the user's to fix.</summary>
    private static ModelChatTemplate LoadTemplate(string modelFolder, out bool isDefault)
    {
        try
        {
            return ChatFormat.TemplateOf(modelFolder, out isDefault);
        }
        catch (ChatTemplateException e)
        {
            throw new CommandInputException($"the chat template of {modelFolder} does not load: {e.Message}");
        }
        catch (JsonException e)
        {
            throw new CommandInputException($"{modelFolder}: tokenizer_config.json or chat_template.json is not valid JSON: {e.Message}");
        }
    }
}
