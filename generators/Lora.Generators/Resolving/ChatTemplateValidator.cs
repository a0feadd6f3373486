using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Lora.Generators.Common;
using Lora.Generators.Diagnostics;
using Lora.Generators.Files;
using Lora.Generators.Json;
using Lora.Generators.Parsing;
using Lora.Runtime.ChatTemplates;

namespace Lora.Generators.Resolving
{
    /// <summary>
    /// Checks a Chat dataset against the base model's chat template with the engine the runtime renders it with
    /// (LORA0070–0072): a model without a template (the runtime falls back to ChatML), a template the runtime cannot
    /// load, and a row of the dataset's head that the template refuses (raise_exception) or fails on.
    /// </summary>
    internal static class ChatTemplateValidator
    {
        // What strftime_now reports: a fixed date keeps the check a function of its inputs.
        private static readonly DateTime CompileTimeNow = new(2025, 1, 1, 12, 0, 0);

        private static readonly FieldRequirement Messages = new("messages", FieldShape.ChatMessages, "DatasetFormat.Chat", "Format", false);

        /// <summary>Checks the template and the dataset's rows.</summary>
        /// <param name="context">The resolution context.</param>
        /// <param name="settings">The resolved settings.</param>
        /// <param name="model">The resolved base model.</param>
        public static void Validate(ResolutionContext context, ResolvedSettings settings, BaseModelInfo model)
        {
            if (settings.DatasetKind != AttributeKind.Dataset || settings.Get(AttributeKind.Dataset, "Format").Text != "Chat"
                || settings.Argument(AttributeKind.BaseModel, "Source") is not { Value.Text: { } source } sourceArgument)
            {
                return;
            }

            var formatLocation = settings.LocationOf(AttributeKind.Dataset, "Format");
            if (model.IsBuiltIn)
            {
                if (BuiltInModels.Find(source) is { HasChatTemplate: false })
                {
                    context.Report(DiagnosticDescriptors.ChatDatasetWithoutTemplate, formatLocation, model.Display, "Lora.Sdk ships it without one");
                }

                return;
            }

            if (model.Folder is null)
            {
                return;
            }

            var folder = WrittenFolder(source);
            var name = "base model '" + folder + "'";
            var config = Find(context, model.Folder, ChatTemplateFiles.TokenizerConfig);
            if (config?.JsonError is { } unreadable)
            {
                context.Report(DiagnosticDescriptors.ChatTemplateInvalid, sourceArgument.Location, name, "'" + folder + "/" + ChatTemplateFiles.TokenizerConfig + "' " + unreadable);
                return;
            }

            var fileName = ChatTemplateFiles.Names.FirstOrDefault(n => Find(context, model.Folder, n)?.HasTemplate == true);
            if (fileName is null)
            {
                var looked = "no " + ChatTemplateFiles.Jinja + ", " + ChatTemplateFiles.Json + " or \"chat_template\" in " + ChatTemplateFiles.TokenizerConfig + " in '" + folder + "'";
                context.Report(DiagnosticDescriptors.ChatDatasetWithoutTemplate, formatLocation, name, looked);
                return;
            }

            var template = Load(context, Find(context, model.Folder, fileName)!, folder + "/" + fileName, config, name, sourceArgument.Location);
            if (template is null)
            {
                return;
            }

            foreach (var path in new[] { "Path", "EvalPath" })
            {
                if (settings.Argument(AttributeKind.Dataset, path) is { Value.Text: { } } argument)
                {
                    CheckRows(context, argument, template, name);
                }
            }
        }

        /// <summary>Builds the model's template as the runtime's loader does, or reports why it cannot (LORA0071).</summary>
        private static ModelChatTemplate? Load(ResolutionContext context, ChatTemplateFile file, string display, ChatTemplateFile? config, string name, LocationInfo location)
        {
            if ((file.JsonError ?? file.TemplateError) is { } problem)
            {
                context.Report(DiagnosticDescriptors.ChatTemplateInvalid, location, name, "'" + display + "' " + problem);
                return null;
            }

            // Every named template is parsed, as the runtime parses them all when it loads the model.
            var named = new Dictionary<string, ChatTemplate>(StringComparer.Ordinal);
            foreach (var template in file.Templates)
            {
                var parsed = context.ChatTemplates.Find(template.Text);
                if (parsed.Template is null)
                {
                    var which = template.Name.Length == 0 ? "the template" : "template '" + template.Name + "'";
                    var place = parsed.Line > 0 ? "line " + Text(parsed.Line) + ", column " + Text(parsed.Column) + " of " : "";
                    context.Report(DiagnosticDescriptors.ChatTemplateInvalid, location, name, place + which + " in '" + display + "': " + parsed.Problem);
                    return null;
                }

                named[template.Name] = parsed.Template;
            }

            return new ModelChatTemplate(named[file.Main!.Name], named, config?.SpecialTokenVariables() ?? new Dictionary<string, object?>(), display);
        }

        /// <summary>Renders each well-formed Chat row of a dataset's head; reports the first the template refuses or fails on (LORA0072).</summary>
        private static void CheckRows(ResolutionContext context, ArgumentSpec argument, ModelChatTemplate template, string name)
        {
            var written = argument.Value.Text!;
            var file = context.Files.Find(ProjectPath.Resolve(context.ProjectDirectory, written));
            foreach (var line in file?.Head ?? EquatableArray<DatasetLine>.Empty)
            {
                // Rows that are not JSON objects or lack well-formed messages are LORA0051 and LORA0052.
                if (JsonReader.Parse(line.Text).Value is not { Kind: JsonKind.Object } row || DatasetLineChecker.FindProblem(row, Messages) is not null)
                {
                    continue;
                }

                if (Render(template, row) is { } failure)
                {
                    context.Report(DiagnosticDescriptors.ChatTemplateFailsOnRow, argument.Location, Text(line.Number), written, name, failure.What, failure.Message, failure.Advice);
                    return;
                }
            }
        }

        private static (string What, string Message, string Advice)? Render(ModelChatTemplate template, JsonNode row)
        {
            // A row's tools go to the template as TRL's SFTTrainer passes them (they select a "tool_use" template).
            var tools = row.Get("tools") is { Kind: not JsonKind.Null } list ? list : null;
            try
            {
                template.Render(row.Get("messages")!, addGenerationPrompt: false, tools, documents: null, CompileTimeNow);
                return null;
            }
            catch (ChatTemplateRaisedException e)
            {
                return ("refuses the conversation", e.Message, "Change the row's messages to what the template accepts, or use a model whose template accepts them.");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return ("fails on the conversation", e.Message, "The template cannot render this row: check the row's messages against what the template reads, or fix the template.");
            }
        }

        private static ChatTemplateFile? Find(ResolutionContext context, string folder, string fileName) =>
            context.Files.Find(ProjectPath.Combine(folder, fileName))?.ChatTemplate;

        /// <summary>The model folder as the attribute wrote it, for messages.</summary>
        private static string WrittenFolder(string source)
        {
            var folder = source.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? ProjectPath.DirectoryOf(source) : source.Replace('\\', '/').TrimEnd('/');
            return folder.Length == 0 ? "." : folder;
        }

        private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
