namespace Lora.Tools.Data.Email;

/// <summary>One email of the corpus as the dataset holds it: where it came from, its text, its label.</summary>
/// <param name="Group">The corpus folder, e.g. "spam-2".</param>
/// <param name="FileName">The file in that folder, e.g. "00001.317e78fa8ee2f54cd4890fdc09ba8176.txt"; its number orders a group.</param>
/// <param name="Subject">The decoded Subject header, whitespace collapsed.</param>
/// <param name="Body">The body text, whitespace collapsed (clipped in the prepared dataset).</param>
/// <param name="Label">"spam" or "ham".</param>
public sealed record SpamAssassinEmail(string Group, string FileName, string Subject, string Body, string Label);
