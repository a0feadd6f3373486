using Lora.Generators.Common;

namespace Lora.Generators.Model
{
    /// <summary>A resolved settings record, written as <c>new global::Lora.{Record}(Name: value, ...)</c>.</summary>
    /// <param name="Record">The record's name in namespace Lora, e.g. <c>LoraSettings</c>.</param>
    /// <param name="Settings">Every constructor argument, in the record's parameter order.</param>
    internal sealed record SectionModel(string Record, EquatableArray<SettingModel> Settings);
}
