namespace Lora.Runtime.Experiments;

/// <summary>Stops training when the eval loss has not improved for <paramref name="patience"/> evaluations in a row.</summary>
/// <param name="patience">Evaluations without improvement that end the run.</param>
public sealed class EarlyStopping(int patience)
{
    int _stale;

    /// <summary>Evaluations without improvement that end the run.</summary>
    public int Patience => patience;

    /// <summary>The lowest eval loss so far.</summary>
    public double Best { get; private set; } = double.PositiveInfinity;

    /// <summary>Records an evaluation; true when the run should stop.</summary>
    public bool ShouldStop(double evalLoss)
    {
        if (evalLoss < Best)
        {
            Best = evalLoss;
            _stale = 0;
            return false;
        }
        return ++_stale >= patience;
    }
}
