namespace Lora.Tools.Data.Email;

/// <summary>The prepared dataset and what was left out of it.</summary>
/// <param name="Rows">The chosen emails in group and id order.</param>
/// <param name="Empty">Emails dropped because no body text was left (image-only or attachment-only mail).</param>
/// <param name="Duplicates">Emails dropped because an earlier one had the same subject and body.</param>
public sealed record PreparedSpamAssassin(IReadOnlyList<SpamAssassinEmail> Rows, int Empty, int Duplicates)
{
    public int Count(string label) => Rows.Count(r => r.Label == label);
}
