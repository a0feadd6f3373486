// netstandard2.0 lacks the marker type that init-only setters (and so positional records) need.
// The compiler finds it by name; being internal, it does not clash with the framework's copy.
namespace System.Runtime.CompilerServices
{
    internal static class IsExternalInit
    {
    }
}
