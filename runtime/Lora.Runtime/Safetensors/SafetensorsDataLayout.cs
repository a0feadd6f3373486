namespace Lora.Runtime.Safetensors;

/// <summary>
/// The checks that need all entries at once. huggingface/safetensors sorts entries by offsets and
/// requires them to tile the data buffer exactly: the first begins at 0, each begins where the
/// previous ends (otherwise InvalidOffset), and the last ends at the end of the file (otherwise
/// MetadataIncompleteBuffer). Files written by the Python and Rust writers always pass; a file that
/// does not was produced by something else, or was damaged, so it is refused here as well.
/// </summary>
internal static class SafetensorsDataLayout
{
    private const string Rule =
        "huggingface/safetensors requires the tensors to cover the data buffer contiguously, in offset order, with no unowned bytes";

    /// <summary>Checks the entries against each other and the buffer; returns them in offset order (ties kept in header order).</summary>
    public static List<TensorEntry> Check(string filePath, List<TensorEntry> entriesInHeaderOrder, long headerLength, long dataLength)
    {
        // OrderBy is stable, so zero-byte tensors that share an offset keep their header order.
        var ordered = entriesInHeaderOrder.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();

        long cursor = 0;
        TensorEntry? previous = null;
        for (var i = 0; i < ordered.Count; i++)
        {
            var entry = ordered[i];
            var offsets = $"data_offsets [{entry.Begin}, {entry.End}]";
            if (entry.Begin < cursor)
            {
                throw new SafetensorsFormatException(filePath, entry.Name,
                    $"{offsets} overlap tensor '{previous!.Name}' at [{previous.Begin}, {previous.End}]; each byte of the data buffer belongs to one tensor");
            }

            if (entry.Begin > cursor)
            {
                var before = previous is null ? "the data buffer starts at 0" : $"the previous tensor '{previous.Name}' ends at {cursor}";
                throw new SafetensorsFormatException(filePath, entry.Name,
                    $"{offsets} begin at {entry.Begin} but {before}, leaving bytes [{cursor}, {entry.Begin}) unowned; {Rule}");
            }

            if (entry.End > dataLength)
            {
                throw Truncated(filePath, ordered, i, headerLength, dataLength);
            }

            cursor = entry.End;
            previous = entry;
        }

        if (cursor != dataLength)
        {
            var owner = previous is null ? "the header lists no tensors" : $"the last tensor '{previous.Name}' ends at {cursor}";
            throw new SafetensorsFormatException(filePath, null,
                $"the data buffer is {dataLength} bytes but {owner}, leaving {dataLength - cursor} trailing bytes unowned; {Rule}");
        }

        return ordered;
    }

    private static SafetensorsFormatException Truncated(string filePath, List<TensorEntry> ordered, int firstOutside, long headerLength, long dataLength)
    {
        var entry = ordered[firstOutside];
        var last = ordered[^1];
        var prefixAndHeader = 8 + headerLength;
        var outside = ordered.Count - firstOutside;
        var others = outside > 1 ? $"; {outside} tensors, '{entry.Name}' to '{last.Name}', lie past the end" : "";
        return new SafetensorsFormatException(filePath, entry.Name,
            $"data_offsets [{entry.Begin}, {entry.End}] reach past the end of the data buffer ({dataLength} bytes){others}. " +
            $"The header describes a file of {prefixAndHeader + last.End} bytes but the file is {prefixAndHeader + dataLength}: it is truncated (an interrupted download or copy?)");
    }
}
