namespace StaticNet;

/// <summary>Ready-made instances of the built-in losses.</summary>
public static class Losses
{
    /// <summary>Softmax cross-entropy on logits against class indices; see <see cref="SoftmaxCrossEntropyLoss"/>.</summary>
    public static SoftmaxCrossEntropyLoss SoftmaxCrossEntropy { get; } = new();

    /// <summary>Mean squared error against target values; see <see cref="MeanSquaredErrorLoss"/>.</summary>
    public static MeanSquaredErrorLoss MeanSquaredError { get; } = new();

    /// <summary>Binary cross-entropy on logits against targets from 0 to 1; see <see cref="BinaryCrossEntropyWithLogitsLoss"/>.</summary>
    public static BinaryCrossEntropyWithLogitsLoss BinaryCrossEntropyWithLogits { get; } = new();

    /// <summary>Mean absolute error against target values; see <see cref="StaticNet.L1Loss"/>.</summary>
    public static L1Loss L1 { get; } = new();

    /// <summary>The Huber loss with delta 1 against target values; see <see cref="HuberLoss"/> for other deltas.</summary>
    public static HuberLoss Huber { get; } = new();

    /// <summary>Smooth L1 with beta 1 against target values; see <see cref="SmoothL1Loss"/> for other betas.</summary>
    public static SmoothL1Loss SmoothL1 { get; } = new();

    /// <summary>Negative log-likelihood of log-probabilities (a <c>[LogSoftmax]</c> last layer) against class indices; see <see cref="NegativeLogLikelihoodLoss"/>.</summary>
    public static NegativeLogLikelihoodLoss NegativeLogLikelihood { get; } = new();

    /// <summary>The triplet margin loss with margin 1 on batches of (anchor, positive, negative) embeddings; see <see cref="TripletMarginLoss"/>.</summary>
    public static TripletMarginLoss TripletMargin { get; } = new();

    /// <summary>Softmax cross-entropy with label smoothing <paramref name="smoothing"/>; see <see cref="SoftmaxCrossEntropyLoss"/>.</summary>
    public static SoftmaxCrossEntropyLoss SoftmaxCrossEntropyWithLabelSmoothing(double smoothing) => new(smoothing);
}
