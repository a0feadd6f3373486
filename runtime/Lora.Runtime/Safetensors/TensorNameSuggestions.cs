namespace Lora.Runtime.Safetensors;

/// <summary>Picks the available tensor names closest to a name that was not found, for error messages.</summary>
internal static class TensorNameSuggestions
{
    private const int MaxSuggestions = 5;

    /// <summary>"Closest names: 'a', 'b'" plus the count, or a note that there are none.</summary>
    public static string Describe(string wanted, IReadOnlyCollection<string> available)
    {
        if (available.Count == 0)
        {
            return "it has no tensors";
        }

        // Edit distance rather than a prefix match: a wrong module path ("q_proj" vs "self_attn.q_proj")
        // differs in the middle of the name. The cost is paid only on the error path.
        var closest = available
            .Select((name, order) => (name, order, distance: EditDistance(wanted, name)))
            .OrderBy(c => c.distance).ThenBy(c => c.order)
            .Take(MaxSuggestions)
            .Select(c => $"'{c.name}'");
        return $"it has {available.Count} tensors; the closest names are {string.Join(", ", closest)}";
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
