using System;

namespace StaticNet;

/// <summary>Rectified linear unit, <c>max(0, x)</c>, applied element-wise.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
#if STATICNET_GENERATOR
internal
#else
public
#endif
sealed class ReLUAttribute : LayerAttribute
{
}

/// <summary>Logistic sigmoid, <c>1 / (1 + exp(-x))</c>, applied element-wise.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
#if STATICNET_GENERATOR
internal
#else
public
#endif
sealed class SigmoidAttribute : LayerAttribute
{
}

/// <summary>Hyperbolic tangent, applied element-wise.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
#if STATICNET_GENERATOR
internal
#else
public
#endif
sealed class TanhAttribute : LayerAttribute
{
}

/// <summary>
/// Softmax over the features of each sample; allowed only as the last layer. To train a classifier,
/// prefer ending on the logits and using the fused softmax cross-entropy loss, which is numerically stable.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
#if STATICNET_GENERATOR
internal
#else
public
#endif
sealed class SoftmaxAttribute : LayerAttribute
{
}

/// <summary>Leaky ReLU, <c>x</c> for x &gt; 0 and <c>slope * x</c> otherwise, as PyTorch's <c>nn.LeakyReLU</c>.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
#if STATICNET_GENERATOR
internal
#else
public
#endif
sealed class LeakyReLUAttribute : LayerAttribute
{
    /// <summary>A negative slope of 0.01, PyTorch's default.</summary>
    public LeakyReLUAttribute() => Slope = 0.01;

    /// <param name="slope">The slope for negative inputs (PyTorch's <c>negative_slope</c>).</param>
    public LeakyReLUAttribute(double slope) => Slope = slope;

    /// <summary>The slope for negative inputs.</summary>
    public double Slope { get; }
}

/// <summary>Exponential linear unit, <c>x</c> for x &gt; 0 and <c>alpha * (exp(x) - 1)</c> otherwise, as PyTorch's <c>nn.ELU</c>.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
#if STATICNET_GENERATOR
internal
#else
public
#endif
sealed class ELUAttribute : LayerAttribute
{
    /// <summary>Alpha 1, PyTorch's default.</summary>
    public ELUAttribute() => Alpha = 1.0;

    /// <param name="alpha">The value the function approaches for very negative inputs, negated.</param>
    public ELUAttribute(double alpha) => Alpha = alpha;

    /// <summary>The scale of the negative part.</summary>
    public double Alpha { get; }
}

/// <summary>
/// Gaussian error linear unit in its exact form, <c>x * Phi(x) = x * (1 + erf(x / sqrt(2))) / 2</c>,
/// as PyTorch's <c>nn.GELU()</c> (its default, not the tanh approximation).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
#if STATICNET_GENERATOR
internal
#else
public
#endif
sealed class GELUAttribute : LayerAttribute
{
}

/// <summary>Sigmoid linear unit (swish), <c>x * sigmoid(x)</c>, as PyTorch's <c>nn.SiLU</c>.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
#if STATICNET_GENERATOR
internal
#else
public
#endif
sealed class SiLUAttribute : LayerAttribute
{
}

/// <summary>
/// Softplus, <c>log(1 + exp(beta * x)) / beta</c>, and <c>x</c> itself where <c>beta * x</c> exceeds
/// <see cref="Threshold"/>, as PyTorch's <c>nn.Softplus</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
#if STATICNET_GENERATOR
internal
#else
public
#endif
sealed class SoftplusAttribute : LayerAttribute
{
    /// <summary>The sharpness of the curve. Default 1.</summary>
    public double Beta { get; set; } = 1.0;

    /// <summary>Above this value of <c>beta * x</c> the function is linear. Default 20.</summary>
    public double Threshold { get; set; } = 20.0;
}

/// <summary>
/// Log-softmax over the features of each sample, <c>x - log(sum(exp(x)))</c>, computed stably, as
/// PyTorch's <c>nn.LogSoftmax(dim=1)</c>; allowed only as the last layer. Train it with
/// <c>Losses.NegativeLogLikelihood</c>: together they are softmax cross-entropy.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
#if STATICNET_GENERATOR
internal
#else
public
#endif
sealed class LogSoftmaxAttribute : LayerAttribute
{
}
