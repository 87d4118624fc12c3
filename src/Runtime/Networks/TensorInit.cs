using System;

namespace StaticNet;

/// <summary>How a tensor's values are drawn when a network is initialised.</summary>
public enum TensorDistribution
{
    /// <summary>Every value is <see cref="TensorInit.A"/>.</summary>
    Constant,

    /// <summary>Uniform in [<see cref="TensorInit.A"/>, <see cref="TensorInit.B"/>), as PyTorch's <c>uniform_</c>.</summary>
    Uniform,

    /// <summary>Normal with mean <see cref="TensorInit.A"/> and standard deviation <see cref="TensorInit.B"/>, as PyTorch's <c>normal_</c>.</summary>
    Normal,
}

/// <summary>
/// A tensor's initialisation, worked out at compile time from its layer's declaration (PyTorch's default
/// unless the declaration names another): the distribution and its two numbers. Generated code gives one to
/// each tensor; <see cref="CompiledNetwork.Initialize"/> applies them.
/// </summary>
/// <param name="Distribution">The distribution.</param>
/// <param name="A">The constant, the uniform's low end, or the normal's mean.</param>
/// <param name="B">The uniform's high end, or the normal's standard deviation; unused for a constant.</param>
public readonly record struct TensorInit(TensorDistribution Distribution, float A, float B)
{
    /// <summary>Every value <paramref name="value"/>.</summary>
    public static TensorInit Constant(float value) => new(TensorDistribution.Constant, value, 0f);

    /// <summary>Uniform in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static TensorInit Uniform(float low, float high) => new(TensorDistribution.Uniform, low, high);

    /// <summary>Normal with mean <paramref name="mean"/> and standard deviation <paramref name="std"/>.</summary>
    public static TensorInit Normal(float mean, float std) => new(TensorDistribution.Normal, mean, std);

    /// <summary>
    /// Fills <paramref name="values"/>, the tensor named <paramref name="tensorName"/>: random tensors draw from a
    /// stream of their own, keyed by <paramref name="seed"/> and the name, so adding a layer changes no other
    /// layer's values.
    /// </summary>
    public void Apply(Span<float> values, int seed, string tensorName)
    {
        switch (Distribution)
        {
            case TensorDistribution.Uniform:
                Initializers.Uniform(values, A, B, seed, tensorName);
                break;
            case TensorDistribution.Normal:
                Initializers.Normal(values, A, B, seed, tensorName);
                break;
            default:
                values.Fill(A);
                break;
        }
    }
}
