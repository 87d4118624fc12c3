using System;

namespace StaticNet;

/// <summary>
/// Inverted dropout, as PyTorch's <c>nn.Dropout</c>: in training, each value is zeroed with
/// probability <see cref="Rate"/> and the others are scaled by <c>1 / (1 - Rate)</c>; in inference
/// (<c>Predict</c>) it passes values through unchanged.
/// </summary>
/// <remarks>
/// The mask is a pure function of the network's seed, its training step, the layer, the sample's
/// index in the batch and the value's index in the sample (a counter-based generator, not a
/// sequential one): the same step drops the same values however the batch is split or scheduled.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
#if STATICNET_GENERATOR
internal
#else
public
#endif
sealed class DropoutAttribute : LayerAttribute
{
    /// <summary>Dropout with rate 0.5, PyTorch's default.</summary>
    public DropoutAttribute() => Rate = 0.5;

    /// <param name="rate">The probability of zeroing each value, from 0 to below 1.</param>
    public DropoutAttribute(double rate) => Rate = rate;

    /// <summary>The probability of zeroing each value (PyTorch's <c>p</c>).</summary>
    public double Rate { get; }
}
