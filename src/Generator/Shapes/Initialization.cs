using System;
using System.Globalization;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Shapes;

/// <summary>
/// Turns a declared initializer into the distribution a tensor is drawn from, with PyTorch's
/// formulas (<c>torch.nn.init</c>): bounds and deviations are computed here, at compile time, and
/// written into the generated <c>Initialize</c> as literals.
/// </summary>
internal static class Initialization
{
    /// <summary>The distribution of a parameter tensor of <paramref name="layer"/>.</summary>
    public static TensorInit Resolve(LayerSpec layer, ParameterShape tensor)
    {
        bool isWeight = tensor.Role == "weight";
        (InitSpec init, FanSpec fan) = layer switch
        {
            DenseSpec dense => (isWeight ? dense.WeightInit : dense.BiasInit, dense.Fan),
            Conv2DSpec conv => (isWeight ? conv.WeightInit : conv.BiasInit, conv.Fan),
            BatchNormSpec norm => (isWeight ? norm.WeightInit : norm.BiasInit, FanSpec.Default),
            _ => (InitSpec.Default, FanSpec.Default),
        };

        long fanIn = tensor.FanIn, fanOut = tensor.FanOut;
        switch (init.Kind)
        {
            case Init.Default when layer is BatchNormSpec:
                return isWeight ? Constant(1, "PyTorch default, ones") : Constant(0, "PyTorch default, zeros");
            case Init.Default:
            {
                // kaiming_uniform_(a = sqrt(5)) for the weight and the same bound for the bias: 1/sqrt(fan_in).
                double bound = 1.0 / Math.Sqrt(fanIn);
                return new TensorInit(InitDistribution.Uniform, -bound, bound, Invariant($"fan_in {fanIn}, bound 1/sqrt({fanIn})"));
            }

            case Init.KaimingUniform:
            {
                (double gain, string gainText) = Gain(fan, kaiming: true);
                (long fanValue, string fanName) = fan.Mode == FanMode.FanOut ? (fanOut, "fan_out") : (fanIn, "fan_in");
                double bound = gain * Math.Sqrt(3.0 / fanValue);
                return new TensorInit(InitDistribution.Uniform, -bound, bound, Invariant($"Kaiming uniform, {gainText}, {fanName} {fanValue}: bound gain * sqrt(3 / {fanName})"));
            }

            case Init.KaimingNormal:
            {
                (double gain, string gainText) = Gain(fan, kaiming: true);
                (long fanValue, string fanName) = fan.Mode == FanMode.FanOut ? (fanOut, "fan_out") : (fanIn, "fan_in");
                return new TensorInit(InitDistribution.Normal, 0, gain / Math.Sqrt(fanValue), Invariant($"Kaiming normal, {gainText}, {fanName} {fanValue}: std gain / sqrt({fanName})"));
            }

            case Init.XavierUniform:
            {
                (double gain, string gainText) = Gain(fan, kaiming: false);
                double bound = gain * Math.Sqrt(6.0 / (fanIn + fanOut));
                return new TensorInit(InitDistribution.Uniform, -bound, bound, Invariant($"Xavier uniform, {gainText}, fan_in {fanIn}, fan_out {fanOut}: bound gain * sqrt(6 / (fan_in + fan_out))"));
            }

            case Init.XavierNormal:
            {
                (double gain, string gainText) = Gain(fan, kaiming: false);
                return new TensorInit(InitDistribution.Normal, 0, gain * Math.Sqrt(2.0 / (fanIn + fanOut)), Invariant($"Xavier normal, {gainText}, fan_in {fanIn}, fan_out {fanOut}: std gain * sqrt(2 / (fan_in + fan_out))"));
            }

            case Init.LeCunNormal:
                return new TensorInit(InitDistribution.Normal, 0, Math.Sqrt(1.0 / fanIn), Invariant($"LeCun normal, fan_in {fanIn}: std sqrt(1 / fan_in)"));
            case Init.Zeros:
                return Constant(0, "zeros");
            case Init.Ones:
                return Constant(1, "ones");
            default:
                return Constant(init.Value, "constant");
        }
    }

    /// <summary>The initial values of a state tensor: running means 0, running variances 1, no batches tracked.</summary>
    public static TensorInit State(string role) => role == "running_var" ? Constant(1, "ones") : Constant(0, "zeros");

    /// <summary>PyTorch's <c>calculate_gain</c> for the declared nonlinearity, or the initializer's default.</summary>
    private static (double Gain, string Text) Gain(FanSpec fan, bool kaiming)
    {
        Nonlinearity nonlinearity = fan.Nonlinearity == Nonlinearity.Default
            ? (kaiming ? Nonlinearity.ReLU : Nonlinearity.Linear)
            : fan.Nonlinearity;
        return nonlinearity switch
        {
            Nonlinearity.ReLU => (Math.Sqrt(2.0), "gain sqrt(2) for ReLU"),
            Nonlinearity.LeakyReLU => (Math.Sqrt(2.0 / (1 + (fan.Slope * fan.Slope))), Invariant($"gain sqrt(2 / (1 + {fan.Slope}^2)) for leaky ReLU")),
            Nonlinearity.Tanh => (5.0 / 3, "gain 5/3 for tanh"),
            Nonlinearity.Sigmoid => (1.0, "gain 1 for sigmoid"),
            _ => (1.0, "gain 1"),
        };
    }

    private static TensorInit Constant(double value, string comment) => new(InitDistribution.Constant, value, 0, comment);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
