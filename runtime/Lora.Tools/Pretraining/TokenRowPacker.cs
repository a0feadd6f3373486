using Lora.Runtime.Tokenization;

namespace Lora.Tools.Pretraining;

/// <summary>
/// Tokenizes documents into one stream, each document followed by the end-of-text id so that the model learns
/// where a document ends and a new one starts, and cuts the stream into rows of a fixed length (the tail that
/// does not fill a row is dropped).
/// </summary>
public static class TokenRowPacker
{
    public static PackedRows Pack(IEnumerable<CorpusDocument> documents, ModelTokenizer tokenizer, int endOfTextId, int rowLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowLength, 2);
        var stream = new List<long>();
        foreach (var document in documents)
        {
            foreach (int id in tokenizer.Encode(document.Text, addBos: false)) stream.Add(id);
            stream.Add(endOfTextId);
        }
        int rows = stream.Count / rowLength;
        var ids = stream.GetRange(0, rows * rowLength).ToArray();
        return new PackedRows(ids, rowLength, stream.Count - ids.Length);
    }
}
