namespace StaticNet;

/// <summary>
/// How a parameter tensor is initialised (PyTorch's <c>torch.nn.init</c>). Every initializer is
/// reproducible: each tensor draws from its own random stream, keyed by the network's seed and the
/// tensor's name.
/// </summary>
#if STATICNET_GENERATOR
internal
#else
public
#endif
enum Init
{
    /// <summary>
    /// PyTorch's default for the layer: for <c>Dense</c> and <c>Conv2D</c>, weights Kaiming-uniform with
    /// a = sqrt(5) and biases uniform, both within +-1/sqrt(fan_in); for batch normalisation, weight 1 and bias 0.
    /// </summary>
    Default,

    /// <summary><c>kaiming_uniform_</c>: uniform in +-gain * sqrt(3 / fan), fan chosen by <c>InitMode</c>.</summary>
    KaimingUniform,

    /// <summary><c>kaiming_normal_</c>: normal with standard deviation gain / sqrt(fan), fan chosen by <c>InitMode</c>.</summary>
    KaimingNormal,

    /// <summary><c>xavier_uniform_</c> (Glorot): uniform in +-gain * sqrt(6 / (fan_in + fan_out)).</summary>
    XavierUniform,

    /// <summary><c>xavier_normal_</c> (Glorot): normal with standard deviation gain * sqrt(2 / (fan_in + fan_out)).</summary>
    XavierNormal,

    /// <summary>LeCun normal: normal with standard deviation sqrt(1 / fan_in) (Keras truncates it at two deviations; this does not).</summary>
    LeCunNormal,

    /// <summary>Every value 0.</summary>
    Zeros,

    /// <summary>Every value 1.</summary>
    Ones,

    /// <summary>Every value <c>WeightInitValue</c> (or <c>BiasInitValue</c>).</summary>
    Constant,
}

/// <summary>Which fan the Kaiming initializers scale by (PyTorch's <c>mode</c>).</summary>
#if STATICNET_GENERATOR
internal
#else
public
#endif
enum FanMode
{
    /// <summary>The inputs of each output (<c>fan_in</c>): preserves the variance of activations going forward. PyTorch's default.</summary>
    FanIn,

    /// <summary>The outputs each input feeds (<c>fan_out</c>): preserves the variance of gradients going backward.</summary>
    FanOut,
}

/// <summary>The activation that follows a layer, which sets the gain of its initializer (PyTorch's <c>calculate_gain</c>).</summary>
#if STATICNET_GENERATOR
internal
#else
public
#endif
enum Nonlinearity
{
    /// <summary>The initializer's own default: ReLU (gain sqrt(2)) for Kaiming, linear (gain 1) for Xavier.</summary>
    Default,

    /// <summary>Gain 1.</summary>
    Linear,

    /// <summary>Gain sqrt(2).</summary>
    ReLU,

    /// <summary>Gain sqrt(2 / (1 + slope^2)), with the slope from <c>InitSlope</c>.</summary>
    LeakyReLU,

    /// <summary>Gain 5/3.</summary>
    Tanh,

    /// <summary>Gain 1.</summary>
    Sigmoid,
}
