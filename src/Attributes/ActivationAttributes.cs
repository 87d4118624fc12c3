using System;

namespace StaticNet;

/// <summary>Rectified linear unit, <c>max(0, x)</c>, applied element-wise.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
public sealed class ReLUAttribute : LayerAttribute
{
}

/// <summary>Logistic sigmoid, <c>1 / (1 + exp(-x))</c>, applied element-wise.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
public sealed class SigmoidAttribute : LayerAttribute
{
}

/// <summary>Hyperbolic tangent, applied element-wise.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
public sealed class TanhAttribute : LayerAttribute
{
}

/// <summary>
/// Softmax over the features of each sample; allowed only as the last layer. To train a classifier,
/// prefer ending on the logits and using the fused softmax cross-entropy loss, which is numerically stable.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
public sealed class SoftmaxAttribute : LayerAttribute
{
}
