using Xunit;

namespace StaticNet.Tests;

/// <summary>How a global batch is split among the ranks of a data-parallel job (the runs themselves are in the end-to-end tests, under mpirun).</summary>
public class DataParallelShardTests
{
    [Theory]
    [InlineData(64, 2)]
    [InlineData(64, 3)]
    [InlineData(7, 4)]
    [InlineData(3, 8)]
    [InlineData(1, 2)]
    public void ShardsAreContiguousDisjointAndCoverTheBatchWithSizesWithinOne(int count, int size)
    {
        const int Start = 128;
        int next = Start, smallest = int.MaxValue, largest = 0;
        for (int rank = 0; rank < size; rank++)
        {
            (int start, int shard) = DataParallel.Shard(Start, count, rank, size);
            Assert.Equal(next, start);
            next += shard;
            smallest = System.Math.Min(smallest, shard);
            largest = System.Math.Max(largest, shard);
        }

        Assert.Equal(Start + count, next);
        Assert.True(largest - smallest <= 1, $"shards of {smallest} to {largest} samples");
    }
}
