namespace Lora.Tools.Data.Email;

/// <summary>What a model sees of an email: its subject and its body text, both on one line.</summary>
public sealed record EmailContent(string Subject, string Body);
