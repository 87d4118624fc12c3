using System.Runtime.CompilerServices;
using StaticNet.Kernels;

namespace StaticNet;

// BatchNorm1D and BatchNorm2D, as PyTorch's nn.BatchNorm1d/2d. Training couples the samples of a batch through
// its statistics, so each direction runs in three steps: per chunk, its partial sums (a record of
// [count, channels values, channels values] per chunk); once per batch, their reduction; per chunk, the rest.
// The batch's statistics [mean (channels), 1/std (channels)] and backward's totals live in the workspace's fixed
// region from Forward to Backward.
public readonly ref partial struct LayerPass
{
    /// <summary>BatchNorm forward, step 1 of 3, per chunk in training: the count, mean and squared deviations of each channel over the chunk's samples.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void BatchNormStatistics(int records, int input, int channels, int plane)
    {
        if (Training)
        {
            BatchNormalization.Statistics(Batch(input, channels * plane), Record(records, (2 * channels) + 1), Count, channels, plane, Simd);
        }
    }

    /// <summary>
    /// BatchNorm forward, step 2 of 3, once per batch: in training, the chunks' records merged into the batch's mean
    /// and 1/std, and the running estimates moved toward the batch's mean and unbiased variance; in inference, the
    /// running estimates as the statistics.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void BatchNormReduce(int statistics, int records, int runningMean, int runningVar, int batchesTracked, int channels, double momentum, double epsilon)
    {
        if (Training)
        {
            BatchNormalization.ReduceStatistics(Records(records, (2 * channels) + 1), Chunks, Fixed(statistics, 2 * channels), State(runningMean, channels), State(runningVar, channels), State(batchesTracked, 1), channels, momentum, epsilon);
        }
        else
        {
            BatchNormalization.InferenceStatistics(State(runningMean, channels), State(runningVar, channels), Fixed(statistics, 2 * channels), channels, epsilon);
        }
    }

    /// <summary>BatchNorm forward, step 3 of 3, per chunk: <c>y = (x - mean) / std * weight + bias</c>; <paramref name="weight"/> and <paramref name="bias"/> are -1 when not affine.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void BatchNormNormalize(int output, int input, int statistics, int weight, int bias, int channels, int plane) =>
        BatchNormalization.Normalize(Batch(input, channels * plane), Batch(output, channels * plane), Fixed(statistics, 2 * channels), Parameter(weight, channels), Parameter(bias, channels), Count, channels, plane, Simd);

    /// <summary>
    /// BatchNorm forward, step 3 of 3, and the ReLU after it, per chunk, in one pass: <c>output = max(0, y)</c>, the
    /// ReLU's output. The normalised values are not written: the ReLU is their only reader, and its backward reads its output.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void BatchNormNormalizeReLU(int output, int input, int statistics, int weight, int bias, int channels, int plane) =>
        BatchNormalization.NormalizeRelu(Batch(input, channels * plane), Batch(output, channels * plane), Fixed(statistics, 2 * channels), Parameter(weight, channels), Parameter(bias, channels), Count, channels, plane, Simd);

    /// <summary>BatchNorm backward, step 1 of 3, per chunk: each channel's sums of dy and of dy * x_hat over the chunk.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void BatchNormBackwardSums(int records, int outputGradient, int input, int statistics, int channels, int plane) =>
        BatchNormalization.BackwardStatistics(Batch(outputGradient, channels * plane), Batch(input, channels * plane), Fixed(statistics, 2 * channels), Record(records, (2 * channels) + 1), Count, channels, plane, Simd);

    /// <summary>
    /// The backward of the ReLU after a BatchNorm, and BatchNorm backward step 1 of 3, per chunk, in one pass:
    /// <c>outputGradient = reluOutput &gt; 0 ? reluGradient : 0</c> written for step 3, and its sums.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void BatchNormReLUBackwardSums(int records, int outputGradient, int reluGradient, int reluOutput, int input, int statistics, int channels, int plane) =>
        BatchNormalization.ReluBackwardStatistics(Batch(reluGradient, channels * plane), Batch(reluOutput, channels * plane), Batch(outputGradient, channels * plane), Batch(input, channels * plane), Fixed(statistics, 2 * channels), Record(records, (2 * channels) + 1), Count, channels, plane, Simd);

    /// <summary>
    /// BatchNorm backward, step 2 of 3, once per batch: the chunks' sums added up, and from them the gradients of
    /// weight (sum of dy * x_hat) and bias (sum of dy), unless the layer is not affine (-1) or frozen
    /// (<paramref name="trainable"/> is its freeze flag, -1 when its declaration freezes it).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void BatchNormReduceBackward(int totals, int records, int weightGradient, int biasGradient, int trainable, int channels)
    {
        BatchNormalization.ReduceSums(Records(records, (2 * channels) + 1), Chunks, Fixed(totals, (2 * channels) + 1), channels);
        if (weightGradient >= 0 && trainable >= 0 && Trains(trainable))
        {
            BatchNormalization.AddParameterGradients(Fixed(totals, (2 * channels) + 1), Gradient(weightGradient, channels), Gradient(biasGradient, channels), channels);
        }
    }

    /// <summary>BatchNorm backward, step 3 of 3, per chunk: <c>dx = weight / std * (dy - mean(dy) - x_hat * mean(dy * x_hat))</c>, the means over the batch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void BatchNormBackwardInput(int inputGradient, int outputGradient, int input, int statistics, int totals, int weight, int channels, int plane) =>
        BatchNormalization.BackwardInput(Batch(outputGradient, channels * plane), Batch(input, channels * plane), Fixed(statistics, 2 * channels), Fixed(totals, (2 * channels) + 1), Parameter(weight, channels), Batch(inputGradient, channels * plane), Count, channels, plane, Simd);
}
