namespace StaticNet.Kernels;

/// <summary>
/// The element-wise activation functions <c>Activations.Forward</c> and <c>Activations.Backward</c>
/// compute, with PyTorch's definitions. Each function's backward reads the saved input <c>x</c>, the saved
/// output <c>y</c>, or both, whichever its derivative is simplest in; see each member. The generator compiles this
/// file in too, so its layer specs name the functions the runtime computes.
/// </summary>
#if STATICNET_GENERATOR
internal
#else
public
#endif
enum ActivationFunction
{
    /// <summary><c>max(0, x)</c>; backward reads y (<c>y &gt; 0 ? dy : 0</c>).</summary>
    ReLU,

    /// <summary><c>1 / (1 + exp(-x))</c>; backward reads y (<c>dy * y * (1 - y)</c>).</summary>
    Sigmoid,

    /// <summary><c>tanh(x)</c>; backward reads y (<c>dy * (1 - y^2)</c>).</summary>
    Tanh,

    /// <summary><c>x</c> above 0, <c>slope * x</c> below, the slope being the first parameter; backward reads x.</summary>
    LeakyReLU,

    /// <summary><c>x</c> above 0, <c>alpha * (exp(x) - 1)</c> below, alpha being the first parameter; backward reads x and y (<c>dy * (y + alpha)</c> below 0).</summary>
    Elu,

    /// <summary><c>x * Phi(x) = x * (1 + erf(x / sqrt(2))) / 2</c>, PyTorch's exact GELU; backward reads x.</summary>
    Gelu,

    /// <summary><c>x * sigmoid(x)</c>; backward reads x.</summary>
    Silu,

    /// <summary><c>log(1 + exp(beta * x)) / beta</c>, or <c>x</c> where <c>beta * x</c> exceeds the threshold; beta and the threshold are the two parameters; backward reads x.</summary>
    Softplus,
}
