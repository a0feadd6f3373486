namespace Lora.Generators.Diagnostics
{
    /// <summary>
    /// Where each diagnostic's help page is: <c>docs/diagnostics/LORAxxxx.md</c> of the repository (what it means, an
    /// example, the fix), for the generator's LORA00xx and the build's LORA10xx alike. Linked into Lora.Sdk.Tasks.
    /// The repository is the one RepositoryUrl in Directory.Build.props names.
    /// </summary>
    internal static class DiagnosticHelp
    {
        /// <summary>The folder of the pages, as a URL ending in '/'.</summary>
        public const string PagesUrl = "https://github.com/lora-sdk/Lora.Sdk/blob/main/docs/diagnostics/";

        /// <summary>The help page of <paramref name="id"/>, e.g. <c>…/docs/diagnostics/LORA0043.md</c>.</summary>
        /// <param name="id">A diagnostic ID, LORAxxxx.</param>
        /// <returns>The page's URL.</returns>
        public static string Link(string id) => PagesUrl + id + ".md";
    }
}
