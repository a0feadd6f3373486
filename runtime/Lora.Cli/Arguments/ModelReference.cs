using System.CommandLine.Parsing;
using Lora.Runtime.Hub;

namespace Lora.Cli.Arguments;

/// <summary>
/// What <c>--model</c> (and <c>inspect</c>'s PATH) names: a folder, or a Hugging Face model id <c>org/name</c>, optionally
/// <c>org/name@revision</c>, found in the Hugging Face cache that Python uses too (HF_HUB_CACHE, else HF_HOME/hub, else
/// ~/.cache/huggingface/hub). A folder that exists wins, as for <c>[BaseModel]</c>; the verbs get the snapshot's folder.
/// </summary>
public static class ModelReference
{
    /// <summary>A custom parser for an option or argument: the folder the value names; an id that is not in the cache is
    /// reported with the <c>lora pull</c> command that fetches it.</summary>
    public static string Parse(ArgumentResult result, string name)
    {
        string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Join(" ", result.Tokens.Select(t => t.Value));
        string folder = Resolve(text, HubEnvironment.Current, out var problem);
        if (problem is not null) result.AddError($"{name} {text}: {problem}");
        return folder;
    }

    /// <summary>The folder <paramref name="text"/> names: itself when it exists or is no model id, else the snapshot of the
    /// id in the cache; <paramref name="problem"/> says why an id cannot be used.</summary>
    public static string Resolve(string text, HubEnvironment hub, out string? problem)
    {
        problem = null;
        if (Directory.Exists(text) || File.Exists(text)) return text;
        int at = text.IndexOf('@');
        string idText = at < 0 ? text : text[..at];
        string revision = at < 0 ? HubModelId.DefaultRevision : text[(at + 1)..];
        if (HubModelId.TryParse(idText) is not { } id) return text;
        var snapshot = HubModelLookup.Find(new HubCache(hub.CacheDirectory), id, revision, hub.Offline, out var missing);
        if (snapshot is null)
        {
            problem = $"no such folder, and {missing}";
            return text;
        }
        return snapshot.Folder;
    }
}
