using System;

namespace StaticNet;

public sealed partial class Trainer<TNetwork>
{
    /// <summary>Per batch, summed over the ranks: the loss times the shard's samples (a summed loss as it is); then the correct and top-k counts, or the sequence tally; then whether any rank stops.</summary>
    private readonly double[] _rankSums = new double[3];

    /// <summary>The network's state tensors (batch normalisation's running estimates) and a buffer holding all of them, for broadcasts.</summary>
    private TensorInfo[] _stateTensors = Array.Empty<TensorInfo>();
    private float[] _stateBuffer = Array.Empty<float>();

    /// <summary>
    /// Trains across the processes of an Open MPI job (<see cref="StaticNet.DataParallel"/>): each rank takes
    /// its shard of every global batch of <see cref="BatchSize"/> samples, the gradients are those of the global
    /// batch's loss (averaged over it, or summed for <see cref="LossReduction.Sum"/>), and every rank makes the same step. Null (the default): this process alone.
    /// </summary>
    public DataParallel? DataParallel { get; set; }

    /// <summary>Whether this process writes checkpoints and runs callbacks: always, but for the ranks past 0 of a data-parallel job.</summary>
    private bool IsWriter => DataParallel is not { IsRoot: false };

    /// <summary>Every rank starts from rank 0's parameters and state, as DDP broadcasts them when it wraps a module.</summary>
    private void StartDataParallel()
    {
        if (DataParallel is null)
        {
            return;
        }

        var state = new System.Collections.Generic.List<TensorInfo>();
        int length = 0;
        foreach (TensorInfo tensor in Network.Tensors)
        {
            if (tensor.Kind == TensorKind.State)
            {
                state.Add(tensor);
                length += tensor.Length;
            }
        }

        _stateTensors = state.ToArray();
        _stateBuffer = new float[length];
        DataParallel.Broadcast(Network.Parameters);
        BroadcastState();
    }

    /// <summary>Rank 0's state tensors to every rank, through one buffer.</summary>
    private void BroadcastState()
    {
        if (_stateBuffer.Length == 0)
        {
            return;
        }

        int offset = 0;
        foreach (TensorInfo tensor in _stateTensors)
        {
            Network.ReadTensor(tensor.Name, _stateBuffer.AsSpan(offset, tensor.Length));
            offset += tensor.Length;
        }

        DataParallel!.Broadcast(_stateBuffer);
        offset = 0;
        foreach (TensorInfo tensor in _stateTensors)
        {
            Network.WriteTensor(tensor.Name, _stateBuffer.AsSpan(offset, tensor.Length));
            offset += tensor.Length;
        }
    }

    /// <summary>
    /// The global batch's loss, from this rank's over its <paramref name="count"/> of <paramref name="globalCount"/>
    /// samples: the mean of the shards' means weighted by their samples, or the sum of their sums.
    /// </summary>
    private float GlobalLoss(LossReduction reduction, float loss, int count, int globalCount)
    {
        _rankSums[0] = count == 0 ? 0 : SampleTotal(reduction, loss, count);
        DataParallel!.AllReduceSum(_rankSums.AsSpan(0, 1));
        return (float)(reduction == LossReduction.Sum ? _rankSums[0] : _rankSums[0] / globalCount);
    }

    /// <summary>
    /// The gradient of the global batch's loss on every rank, summed over the ranks over the flat gradient buffer:
    /// for a mean, each rank's gradient of its shard's mean weighted by the shard's share of the batch; for a sum,
    /// each rank's gradient of its shard's sum as it is.
    /// </summary>
    private void AverageGradients(LossReduction reduction, int count, int globalCount)
    {
        Span<float> gradients = Network.Gradients;
        float share = reduction == LossReduction.Sum ? 1f : (float)count / globalCount;
        if (share != 1f)
        {
            for (int i = 0; i < gradients.Length; i++)
            {
                gradients[i] *= share;
            }
        }

        DataParallel!.AllReduceSum(gradients);
    }

    /// <summary>After a step: batch normalisation's running estimates back to rank 0's, and every so often a check that the parameters agree.</summary>
    private void FinishDataParallelStep(long step)
    {
        BroadcastState();
        if (DataParallel!.CheckEvery > 0 && step % DataParallel.CheckEvery == 0 && !DataParallel.AllSame(Network.Parameters))
        {
            throw new InvalidOperationException($"The ranks' parameters differ after step {step}: every rank must run the same program on the same data with the same settings.");
        }
    }

    /// <summary>The correct and top-k counts of the global batch, from this rank's.</summary>
    private (long Correct, long TopK) GlobalCounts(long correct, long topK)
    {
        if (DataParallel is null)
        {
            return (correct, topK);
        }

        _rankSums[0] = correct;
        _rankSums[1] = topK;
        DataParallel.AllReduceSum(_rankSums.AsSpan(0, 2));
        return ((long)_rankSums[0], (long)_rankSums[1]);
    }

    /// <summary>The global batch's sequence tally, from this rank's (counts well below 2^53, so exact in doubles).</summary>
    private void GlobalSequenceTally(ref SequenceTally tally)
    {
        if (DataParallel is null)
        {
            return;
        }

        _rankSums[0] = tally.Exact;
        _rankSums[1] = tally.Edits;
        _rankSums[2] = tally.Items;
        DataParallel.AllReduceSum(_rankSums.AsSpan(0, 3));
        tally = new SequenceTally { Exact = (long)_rankSums[0], Edits = (long)_rankSums[1], Items = (long)_rankSums[2] };
    }

    /// <summary>
    /// Whether any rank stops (a callback on rank 0, a cancellation anywhere): then every rank stops, so
    /// that none waits for the others in a step they will not take.
    /// </summary>
    private void AgreeOnStop(TrainingContext context)
    {
        if (DataParallel is null)
        {
            return;
        }

        _rankSums[0] = context.StopRequested ? 1 : 0;
        DataParallel.AllReduceSum(_rankSums.AsSpan(0, 1));
        if (_rankSums[0] > 0 && !context.StopRequested)
        {
            context.RequestStop(StopReason.Cancelled, "Stopped because another rank of the data-parallel job stopped.");
        }
    }
}
