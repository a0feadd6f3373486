using System.Text.RegularExpressions;
using Lora.Runtime.Data;
using Lora.Runtime.Models;
using Lora.Runtime.Peft;
using Lora.Runtime.Tokenization;

namespace Lora.Runtime.Experiments;

/// <summary>
/// Where an error of an experiment's run is, for the build's error list: the dataset line a <see cref="DatasetException"/>
/// names, else the attribute of the experiment's source the error is about (the one its message quotes, as
/// <c>[Quantize(QuantType.Int8)] of …</c>, or the one its kind belongs to), else the <c>[Experiment]</c> attribute itself.
/// </summary>
/// <param name="File">The file: a dataset, or the experiment's source.</param>
/// <param name="Line">From 1.</param>
/// <param name="Column">From 1; 0 when unknown.</param>
/// <param name="Code">The diagnostic the build reports it as, or null for the runner's generic LORA1001.</param>
public sealed record ErrorLocation(string File, int Line, int Column, string? Code = null)
{
    /// <summary>A dataset line or row the runner cannot use (the file and line of the row).</summary>
    public const string DatasetLineCode = "LORA1050";

    const string Key = "Lora.Runtime.ErrorLocation";

    static readonly Regex QuotedAttribute = new(@"\[(?<name>[A-Za-z]+)(?:<[^>]*>)?\(", RegexOptions.CultureInvariant);

    /// <summary>The location <see cref="Attach"/> gave the exception, or null.</summary>
    public static ErrorLocation? Of(Exception e) => e.Data[Key] as ErrorLocation;

    /// <summary>Gives <paramref name="e"/>, raised while running <paramref name="config"/>, its location (once: the innermost
    /// experiment's wins).</summary>
    public static void Attach(Exception e, Lora.ExperimentConfig config)
    {
        if (e.Data.Contains(Key) || For(e, config) is not { } location) return;
        e.Data[Key] = location;
    }

    static ErrorLocation? For(Exception e, Lora.ExperimentConfig config)
    {
        if (e is DatasetException { File: { } file } dataset)
            return new ErrorLocation(file, Math.Max(1, dataset.Line), dataset.Column, DatasetLineCode);
        if (string.IsNullOrEmpty(config.SourcePath)) return null;
        var attribute = (QuotedAttribute.Match(e.Message) is { Success: true } quoted && config.Locate(quoted.Groups["name"].Value) is not null
                ? quoted.Groups["name"].Value
                : null)
            ?? e switch
            {
                DatasetException or ChatTemplates.ChatTemplateException => "Dataset",
                ModelLoadException or TokenizerLoadException => "BaseModel",
                PeftFormatException => "LoraAdapter",
                Training.NonFiniteTrainingException => "Training",
                _ => null,
            };
        var at = (attribute is null ? null : config.Locate(attribute)) ?? config.Locate("Experiment");
        return at is null ? null : new ErrorLocation(config.SourcePath, at.Line, at.Column);
    }
}
