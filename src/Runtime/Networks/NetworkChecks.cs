using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;

namespace StaticNet;

/// <summary>
/// Argument checks that generated networks call at their public entry points, so that a wrong
/// length or batch size fails with a message naming the argument and both sizes, before any work.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class NetworkChecks
{
    /// <summary>Throws unless <paramref name="actual"/> is at least <paramref name="required"/>.</summary>
    public static void Length(int actual, long required, string argument)
    {
        if (actual < required)
        {
            throw new ArgumentException($"{argument} holds {actual} values, but {required} are needed.", argument);
        }
    }

    /// <summary>
    /// Throws unless <paramref name="actual"/> is exactly <paramref name="required"/>: Predict takes whole
    /// samples and nothing more, as PyTorch requires exact shapes, so a buffer of the wrong size is caught.
    /// </summary>
    public static void ExactLength(int actual, long required, string argument)
    {
        if (actual != required)
        {
            throw new ArgumentException($"{argument} holds {actual} values, but exactly {required} are expected; pass a span of that length (Slice it).", argument);
        }
    }

    /// <summary>Throws unless the batch size is between 1 and the capacity.</summary>
    public static void Batch(int batchSize, int capacity, string argument)
    {
        if (batchSize < 1 || batchSize > capacity)
        {
            throw new ArgumentOutOfRangeException(argument, batchSize, $"The batch size must be from 1 to the network's batch capacity, {capacity}; create the network with a larger batchCapacity for larger batches.");
        }
    }

    /// <summary>Returns <paramref name="threads"/>, or throws unless it is from 1 to <paramref name="maxThreads"/>.</summary>
    public static int Threads(int threads, int maxThreads, string argument) =>
        threads >= 1 && threads <= maxThreads
            ? threads
            : throw new ArgumentOutOfRangeException(argument, threads, $"Threads must be from 1 to {maxThreads} (one per batch chunk, at most one per processor).");

    /// <summary>Throws unless a count of samples is at least 1.</summary>
    public static void Count(int count, string argument)
    {
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(argument, count, "The number of samples must be at least 1.");
        }
    }

    /// <summary>Throws unless the batch capacity is at least 1 and the workspace it needs fits in one array.</summary>
    public static void BatchCapacity(int capacity, int workspacePerSample, string argument)
    {
        if (capacity < 1)
        {
            throw new ArgumentOutOfRangeException(argument, capacity, "The batch capacity must be at least 1.");
        }

        if ((long)capacity * workspacePerSample > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(argument, capacity, $"A batch capacity of {capacity} needs a workspace of {(long)capacity * workspacePerSample} floats, more than one array holds ({Array.MaxLength}).");
        }
    }

    /// <summary>Throws unless the batch capacity is at least 1 and the workspace it needs, per-sample buffers plus a fixed region, fits in one array.</summary>
    public static void BatchCapacity(int capacity, int workspacePerSample, int workspaceFixed, string argument)
    {
        BatchCapacity(capacity, workspacePerSample, argument);
        if (((long)capacity * workspacePerSample) + workspaceFixed > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(argument, capacity, $"A batch capacity of {capacity} needs a workspace of {((long)capacity * workspacePerSample) + workspaceFixed} floats, more than one array holds ({Array.MaxLength}).");
        }
    }

    /// <summary>
    /// Throws unless a batch gives a batch normalisation layer more than one value per channel, which
    /// its variance needs in training (PyTorch raises the same error).
    /// </summary>
    public static void BatchStatistics(int valuesPerChannel, string layer)
    {
        if (valuesPerChannel < 2)
        {
            throw new ArgumentException($"Batch normalisation '{layer}' needs more than one value per channel in training, but this batch gives {valuesPerChannel}: train with batches of at least 2 samples (Predict, in inference mode, takes any number).", "batchSize");
        }
    }

    /// <summary>The exception for a layer name the network does not have among those with parameters.</summary>
    public static Exception UnknownLayer(string name, string network, IReadOnlyList<string> layers) =>
        new KeyNotFoundException($"Network '{network}' has no layer with parameters named '{name}'; its layers with parameters are: {string.Join(", ", layers)}.");

    /// <summary>The exception for unfreezing a layer that its declaration freezes: its gradient code was never generated.</summary>
    public static Exception FrozenInDeclaration(string name, string network) =>
        new InvalidOperationException($"Layer '{name}' of network '{network}' is frozen in its declaration (Frozen = true), so its Backward computes no parameter gradients and it cannot be unfrozen; remove Frozen = true and call Freeze(\"{name}\") instead to freeze it for a while.");

    /// <summary>Throws unless a Forward on a batch of the same size is waiting for its Backward.</summary>
    public static void PendingForward(int batchSize, int forwardBatchSize)
    {
        if (forwardBatchSize == 0)
        {
            throw new InvalidOperationException("Backward needs the activations of a training Forward, but none is pending: call Forward first (Predict does not keep activations, and overwrites those of a Forward).");
        }

        if (batchSize != forwardBatchSize)
        {
            throw new ArgumentException($"Backward was called for a batch of {batchSize}, but the last Forward ran on {forwardBatchSize} samples.", nameof(batchSize));
        }
    }

    /// <summary>Throws unless a tensor buffer has exactly the tensor's length.</summary>
    public static void TensorLength(TensorInfo tensor, int actual, string argument)
    {
        if (actual != tensor.Length)
        {
            throw new ArgumentException($"Tensor '{tensor.Name}' {tensor.ShapeText} holds {tensor.Length} values, but {argument} holds {actual}.", argument);
        }
    }

    /// <summary>The exception for a tensor name the network does not have, listing those it has.</summary>
    public static Exception UnknownTensor(string name, string network, IReadOnlyList<TensorInfo> tensors) =>
        new KeyNotFoundException($"Network '{network}' has no tensor named '{name}'; its tensors are: {string.Join(", ", tensors.Select(t => t.Name))}.");
}
