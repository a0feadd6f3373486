namespace Lora.Tools.Pretraining;

/// <summary>
/// The order in which training rows are drawn: a seeded shuffle of all rows, reshuffled with the same
/// generator after each pass, so a recipe always trains on the same sequence of batches.
/// </summary>
public sealed class TrainingRowOrder
{
    readonly Random _random;
    readonly int[] _order;
    int _next;

    public TrainingRowOrder(int rowCount, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowCount, 1);
        _random = new Random(unchecked((int)seed));
        _order = Enumerable.Range(0, rowCount).ToArray();
        _random.Shuffle(_order);
    }

    /// <summary>Completed passes over the rows.</summary>
    public int Passes { get; private set; }

    /// <summary>The indices of the next <paramref name="count"/> rows.</summary>
    public int[] Take(int count)
    {
        var rows = new int[count];
        for (int i = 0; i < count; i++)
        {
            if (_next == _order.Length)
            {
                _random.Shuffle(_order);
                _next = 0;
                Passes++;
            }
            rows[i] = _order[_next++];
        }
        return rows;
    }
}
