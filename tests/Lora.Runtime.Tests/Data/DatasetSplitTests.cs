using Lora.Runtime.Data;

namespace Lora.Runtime.Tests.Data;

/// <summary>The train/eval split depends on the seed only: the same seed gives the same split everywhere.</summary>
public class DatasetSplitTests
{
    static readonly IReadOnlyList<int> Rows = Enumerable.Range(0, 100).ToList();

    [Fact]
    public void The_same_seed_gives_the_same_split()
    {
        var a = DatasetSplit.Split(Rows, 0.2, shuffle: true, seed: 17);
        var b = DatasetSplit.Split(Rows, 0.2, shuffle: true, seed: 17);

        Assert.Equal(a.Train, b.Train);
        Assert.Equal(a.Eval, b.Eval);
    }

    [Fact]
    public void A_different_seed_gives_a_different_split()
    {
        var a = DatasetSplit.Split(Rows, 0.2, shuffle: true, seed: 17);
        var b = DatasetSplit.Split(Rows, 0.2, shuffle: true, seed: 18);

        Assert.NotEqual(a.Eval, b.Eval);
    }

    [Fact]
    public void The_split_is_a_partition_with_the_eval_share_rounded()
    {
        var (train, eval) = DatasetSplit.Split(Rows, 0.25, shuffle: true, seed: 3);

        Assert.Equal(25, eval.Count);
        Assert.Equal(75, train.Count);
        Assert.Equal(Rows, train.Concat(eval).Order());
        // Eval rows keep file order, which makes eval.json rows easy to find in the dataset.
        Assert.Equal(eval.Order(), eval);
    }

    [Fact]
    public void Without_shuffle_the_first_rows_are_eval()
    {
        var (train, eval) = DatasetSplit.Split(Rows, 0.1, shuffle: false, seed: 99);

        Assert.Equal(Enumerable.Range(0, 10), eval);
        Assert.Equal(Enumerable.Range(10, 90), train);
    }

    [Fact]
    public void A_tiny_positive_fraction_still_holds_out_one_row_and_zero_holds_out_none()
    {
        Assert.Single(DatasetSplit.Split(Rows, 0.001, shuffle: true, seed: 1).Eval);
        Assert.Empty(DatasetSplit.Split(Rows, 0, shuffle: true, seed: 1).Eval);
    }

    [Fact]
    public void A_fraction_that_leaves_no_training_rows_is_an_error()
    {
        var error = Assert.Throws<DatasetException>(() => DatasetSplit.Split(Enumerable.Range(0, 3).ToList(), 0.9, shuffle: true, seed: 1));

        Assert.Contains("leaves no training rows out of 3", error.Message);
    }
}
