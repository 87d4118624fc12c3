using System;

namespace StaticNet;

/// <summary>
/// Batch normalisation over the channels of a [channels, height, width] input, as PyTorch's
/// <c>nn.BatchNorm2d</c>: in training, each channel is normalised with the mean and biased variance of
/// the batch (over samples and positions) and the running estimates are updated with the unbiased
/// variance; in inference (<c>Predict</c>) the running estimates are used. Then
/// <c>y = weight * x_hat + bias</c>, per channel.
/// </summary>
/// <remarks>
/// State tensors, saved and loaded with the parameters but never changed by an optimizer:
/// <c>running_mean</c> [channels] (starts at 0), <c>running_var</c> [channels] (starts at 1), and
/// <c>num_batches_tracked</c> (a scalar; int64 in PyTorch, stored here as a float, exact to 2^24 batches).
/// </remarks>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
#if STATICNET_GENERATOR
internal
#else
public
#endif
sealed class BatchNorm2DAttribute : LearnedLayerAttribute
{
    /// <summary>The weight of the newest batch in the running estimates: <c>running = (1 - m) * running + m * batch</c>. Default 0.1.</summary>
    public double Momentum { get; set; } = 0.1;

    /// <summary>Added to the variance before its square root. Default 1e-5.</summary>
    public double Epsilon { get; set; } = 1e-5;

    /// <summary>Whether the layer has a learned <c>weight</c> and <c>bias</c> per channel. Default <see langword="true"/>.</summary>
    public bool Affine { get; set; } = true;
}

/// <summary>
/// Batch normalisation of a flat [features] input, as PyTorch's <c>nn.BatchNorm1d</c> on (batch,
/// features): each feature is normalised with the batch's mean and biased variance in training, and
/// with the running estimates in inference. See <see cref="BatchNorm2DAttribute"/> for the state tensors.
/// Training needs batches of at least 2 samples.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
#if STATICNET_GENERATOR
internal
#else
public
#endif
sealed class BatchNorm1DAttribute : LearnedLayerAttribute
{
    /// <inheritdoc cref="BatchNorm2DAttribute.Momentum"/>
    public double Momentum { get; set; } = 0.1;

    /// <inheritdoc cref="BatchNorm2DAttribute.Epsilon"/>
    public double Epsilon { get; set; } = 1e-5;

    /// <inheritdoc cref="BatchNorm2DAttribute.Affine"/>
    public bool Affine { get; set; } = true;
}
