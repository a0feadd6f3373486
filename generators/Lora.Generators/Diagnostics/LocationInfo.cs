using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Lora.Generators.Diagnostics
{
    /// <summary>A source location kept as plain data (file, span, lines), so that pipeline values hold no syntax tree.</summary>
    /// <param name="FilePath">The source file.</param>
    /// <param name="Span">The character span.</param>
    /// <param name="LineSpan">The same span as lines and columns.</param>
    internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
    {
        /// <summary>Captures a location from syntax.</summary>
        /// <param name="location">A location in a syntax tree.</param>
        /// <returns>The captured location, or null for locations outside source.</returns>
        public static LocationInfo? From(Location? location)
        {
            if (location is null || location.SourceTree is null)
            {
                return null;
            }

            return new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
        }

        /// <summary>Recreates a location for reporting.</summary>
        /// <returns>The location.</returns>
        public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);
    }
}
