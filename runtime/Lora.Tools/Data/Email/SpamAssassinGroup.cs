namespace Lora.Tools.Data.Email;

/// <summary>A folder of the SpamAssassin public corpus and the label every email in it has.</summary>
public sealed record SpamAssassinGroup(string Name, string Label)
{
    public const string Spam = "spam";
    public const string Ham = "ham";

    /// <summary>The groups the prepared dataset uses, in output order (hard-ham-1 is left out: it is not "easy" ham).</summary>
    public static readonly IReadOnlyList<SpamAssassinGroup> All =
    [
        new("easy-ham-1", Ham),
        new("easy-ham-2", Ham),
        new("spam-1", Spam),
        new("spam-2", Spam),
    ];
}
