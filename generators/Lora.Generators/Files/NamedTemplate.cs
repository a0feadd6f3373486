namespace Lora.Generators.Files
{
    /// <summary>One chat template of a model folder.</summary>
    /// <param name="Name">Its name in a list of named templates (e.g. "default", "tool_use"), or "" for a model's single template.</param>
    /// <param name="Text">The Jinja source.</param>
    internal sealed record NamedTemplate(string Name, string Text);
}
