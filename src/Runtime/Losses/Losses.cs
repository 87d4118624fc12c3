namespace StaticNet;

/// <summary>Ready-made instances of the built-in losses.</summary>
public static class Losses
{
    /// <summary>Softmax cross-entropy on logits against class indices; see <see cref="SoftmaxCrossEntropyLoss"/>.</summary>
    public static SoftmaxCrossEntropyLoss SoftmaxCrossEntropy { get; } = new();

    /// <summary>Mean squared error against target values; see <see cref="MeanSquaredErrorLoss"/>.</summary>
    public static MeanSquaredErrorLoss MeanSquaredError { get; } = new();
}
