using System.Collections.Generic;
using System.Linq;
using StaticNet.Generator.Diagnostics;
using StaticNet.Generator.Model;
using StaticNet.Kernels;

namespace StaticNet.Generator.Parsing;

/// <summary>
/// Checks each layer's own arguments (sizes, strides, rates, initializers) before shapes are resolved;
/// checks that need the input shape or other layers live in <see cref="Shapes.NetworkPlanner"/>.
/// </summary>
internal static class LayerValidator
{
    /// <summary>The smallest Softplus beta: float's smallest normal number, so that <c>log(2) / beta</c> (the value at 0) fits a float.</summary>
    public const double MinSoftplusBeta = 1.17549435E-38f;

    /// <summary>The largest Softplus threshold: below it the kernel computes <c>exp(beta * x)</c> in double, which overflows past 709.78.</summary>
    public const double MaxSoftplusThreshold = 709;

    /// <summary>The smallest batch-norm epsilon: <c>1 / sqrt(variance + epsilon)</c> must fit a float when the variance is 0.</summary>
    public const double MinEpsilon = 1E-77;

    /// <summary>The position of a setting that has no constructor argument.</summary>
    private const int NoPosition = -1;

    /// <param name="layer">The layer as read.</param>
    /// <param name="site">Where the layer and each of its arguments are written, and which named arguments it gives (to report those that have no effect).</param>
    /// <param name="diagnostics">Receives every problem found.</param>
    public static void Validate(LayerSpec layer, AttributeSite site, List<DiagnosticInfo> diagnostics)
    {
        IReadOnlyCollection<string> explicitSettings = site.NamedArguments;

        void Require(bool valid, LocationInfo? at, string argument, string requirement, object actual)
        {
            if (!valid)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerArgument, at, layer.Kind, layer.Name, argument, requirement, actual));
            }
        }

        // A double setting that the generated code uses as a float, or in a formula whose float result must stay finite.
        void RequireRange(double value, double min, double max, LocationInfo? at, string argument, string? why = null)
        {
            bool valid = value >= min && value <= max;
            string range = $"a finite number from {Text(min)} to {Text(max)}" + (why is null ? string.Empty : " (" + why + ")");
            Require(valid, at, argument, range, value);
        }

        void NoEffect(string setting, string reason)
        {
            if (explicitSettings.Contains(setting))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SettingHasNoEffect, site.Named(setting), layer.Kind, layer.Name, setting, reason));
            }
        }

        switch (layer)
        {
            case ConcatSpec concat:
                Require(concat.Layers.Count >= 1, site.Attribute, "layers", "at least one layer to join to the input (Concat(\"name\", ...))", "none");
                break;
            case DenseSpec dense:
                Require(dense.Units >= 1, site.Positional(0), "units", "at least 1", dense.Units);
                ValidateInitializers(dense.WeightInit, dense.BiasInit, dense.Fan, dense.HasBias, "Bias = false");
                break;
            case Conv2DSpec conv:
                Require(conv.Filters >= 1, site.Positional(0), "filters", "at least 1", conv.Filters);
                Window("Kernel", "Kernel", 1, conv.Kernel, 1, "at least 1 (set it with Conv2D(filters, kernel) or Kernel = k)");
                Window("Stride", "Stride", NoPosition, conv.Stride, 1, "at least 1");
                Window("Padding", "Padding", NoPosition, conv.Padding, 0, "at least 0");
                Window("Dilation", "Dilation", NoPosition, conv.Dilation, 1, "at least 1");
                ValidateInitializers(conv.WeightInit, conv.BiasInit, conv.Fan, conv.HasBias, "Bias = false");
                break;
            case Pool2DSpec pool:
                bool kernelValid = Window("Kernel", "kernel", 0, pool.Kernel, 1, site.Writes(0, "Kernel") ? "at least 1" : $"at least 1 (set it with {layer.Kind}(kernel), or KernelHeight and KernelWidth)");
                if (kernelValid)
                {
                    // A stride left out is the kernel's, which says nothing new when the kernel is at fault.
                    Window("Stride", "Stride", NoPosition, pool.Stride, 1, "at least 1 (or 0 for the kernel size)", "at least 1 (or 0 for the kernel's size along it)");
                }

                if (Window("Padding", "Padding", NoPosition, pool.Padding, 0, "at least 0") && kernelValid)
                {
                    PoolPadding(pool.Kernel, pool.Padding);
                }

                break;
            case BatchNormSpec norm:
                Require(norm.Momentum >= 0 && norm.Momentum <= 1, site.Named("Momentum"), "Momentum", "from 0 to 1", norm.Momentum);
                RequireRange(norm.Epsilon, MinEpsilon, float.MaxValue, site.Named("Epsilon"), "Epsilon", "so that 1/sqrt(variance + Epsilon) fits a float");
                if (norm.Affine)
                {
                    ValidateInitializers(norm.WeightInit, norm.BiasInit, fan: null, hasBias: true, noBias: string.Empty);
                }
                else
                {
                    // Without weight and bias there is nothing to initialise or freeze.
                    foreach (string setting in new[] { "WeightInit", "BiasInit", "WeightInitValue", "BiasInitValue", "Frozen" })
                    {
                        NoEffect(setting, "the layer has no parameters with Affine = false");
                    }
                }

                break;
            case DropoutSpec dropout:
                Require(dropout.Rate >= 0 && dropout.Rate < 1, site.Positional(0), "rate", "from 0 to below 1", dropout.Rate);
                break;
            case ActivationSpec { Function: ActivationFunction.LeakyReLU } leaky:
                RequireRange(leaky.Parameter, -float.MaxValue, float.MaxValue, site.Positional(0), "slope");
                break;
            case ActivationSpec { Function: ActivationFunction.Elu } elu:
                RequireRange(elu.Parameter, -float.MaxValue, float.MaxValue, site.Positional(0), "alpha");
                break;
            case ActivationSpec { Function: ActivationFunction.Softplus } softplus:
                RequireRange(softplus.Parameter, MinSoftplusBeta, float.MaxValue, site.Named("Beta"), "Beta", "so that log(1 + exp(Beta * x)) / Beta fits a float");
                RequireRange(softplus.Parameter2, -float.MaxValue, MaxSoftplusThreshold, site.Named("Threshold"), "Threshold", "above it, exp(Beta * x) overflows");
                break;
        }

        // A window setting is written square (Kernel = 3, or a constructor argument) or per axis
        // (KernelHeight = 3, KernelWidth = 2), never both; an axis left out takes the square value. Each
        // axis must be at least the minimum. Returns whether the setting is written one way and in range.
        bool Window(string setting, string squareArgument, int position, Axes value, int minimum, string squareRequirement, string? axisRequirement = null)
        {
            string height = setting + "Height", width = setting + "Width";
            bool square = site.Writes(position, setting);
            bool givesHeight = explicitSettings.Contains(height), givesWidth = explicitSettings.Contains(width);
            if (square && (givesHeight || givesWidth))
            {
                foreach (string axis in new[] { height, width }.Where(explicitSettings.Contains))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SquareAndPerAxisSetting, site.Named(axis), layer.Kind, layer.Name, setting, site.WrittenValue(position, setting), axis, site.WrittenValue(NoPosition, axis), height, width));
                }

                return false;
            }

            string atLeast = axisRequirement ?? "at least " + minimum.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!givesHeight && !givesWidth)
            {
                Require(value.Height >= minimum, site.PositionalOrNamed(position, setting), squareArgument, squareRequirement, value.Height);
                return value.Height >= minimum;
            }

            // An axis that is not written takes the square value, which only a kernel lacks a usable default for.
            Require(value.Height >= minimum, givesHeight ? site.Named(height) : site.Attribute, height, givesHeight ? atLeast : $"{atLeast} (give {height} with {width}, or the square {setting} alone)", value.Height);
            Require(value.Width >= minimum, givesWidth ? site.Named(width) : site.Attribute, width, givesWidth ? atLeast : $"{atLeast} (give {width} with {height}, or the square {setting} alone)", value.Width);
            return value.Height >= minimum && value.Width >= minimum;
        }

        // PyTorch's rule, per axis: a pooling window centred on the border must still cover one real value.
        void PoolPadding(Axes kernel, Axes padding)
        {
            bool heightTooLarge = padding.Height > kernel.Height / 2, widthTooLarge = padding.Width > kernel.Width / 2;
            if (!explicitSettings.Contains("PaddingHeight") && !explicitSettings.Contains("PaddingWidth"))
            {
                // One Padding argument: one diagnostic, against the axis with the smaller limit.
                if (heightTooLarge || widthTooLarge)
                {
                    bool height = kernel.Height <= kernel.Width;
                    string of = kernel.IsSquare ? "kernel" : height ? "kernel's height" : "kernel's width";
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.PoolPaddingTooLarge, site.Named("Padding"), layer.Kind, layer.Name, "Padding", of, (height ? kernel.Height : kernel.Width) / 2, padding.Height));
                }

                return;
            }

            if (heightTooLarge)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.PoolPaddingTooLarge, site.Named("PaddingHeight"), layer.Kind, layer.Name, "PaddingHeight", "kernel's height", kernel.Height / 2, padding.Height));
            }

            if (widthTooLarge)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.PoolPaddingTooLarge, site.Named("PaddingWidth"), layer.Kind, layer.Name, "PaddingWidth", "kernel's width", kernel.Width / 2, padding.Width));
            }
        }

        void ValidateInitializers(InitSpec weight, InitSpec bias, FanSpec? fan, bool hasBias, string noBias)
        {
            Require(IsDefined(weight.Kind), site.Named("WeightInit"), "WeightInit", "one of the values of " + typeof(Init).FullName, (int)weight.Kind);
            Require(IsDefined(bias.Kind), site.Named("BiasInit"), "BiasInit", "one of the values of " + typeof(Init).FullName, (int)bias.Kind);
            RequireRange(weight.Value, -float.MaxValue, float.MaxValue, site.Named("WeightInitValue"), "WeightInitValue");
            RequireRange(bias.Value, -float.MaxValue, float.MaxValue, site.Named("BiasInitValue"), "BiasInitValue");

            // Fan-scaled initializers need a tensor of at least two dimensions, as in PyTorch.
            if (fan is null && UsesFans(weight.Kind))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InitializerNeedsFans, site.Named("WeightInit"), layer.Kind, layer.Name, weight.Kind, "weight"));
            }

            if (hasBias && UsesFans(bias.Kind))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InitializerNeedsFans, site.Named("BiasInit"), layer.Kind, layer.Name, bias.Kind, "bias"));
            }

            if (!hasBias)
            {
                NoEffect("BiasInit", "the layer has no bias with " + noBias);
                NoEffect("BiasInitValue", "the layer has no bias with " + noBias);
            }
            else if (bias.Kind != Init.Constant)
            {
                NoEffect("BiasInitValue", "it sets the value of BiasInit = Init.Constant only");
            }

            if (weight.Kind != Init.Constant)
            {
                NoEffect("WeightInitValue", "it sets the value of WeightInit = Init.Constant only");
            }

            if (fan is not null)
            {
                Require(IsDefined(fan.Mode), site.Named("InitMode"), "InitMode", "one of the values of " + typeof(FanMode).FullName, (int)fan.Mode);
                Require(IsDefined(fan.Nonlinearity), site.Named("InitNonlinearity"), "InitNonlinearity", "one of the values of " + typeof(Nonlinearity).FullName, (int)fan.Nonlinearity);
                RequireRange(fan.Slope, -float.MaxValue, float.MaxValue, site.Named("InitSlope"), "InitSlope");
                bool kaiming = weight.Kind is Init.KaimingUniform or Init.KaimingNormal;
                bool xavier = weight.Kind is Init.XavierUniform or Init.XavierNormal;
                if (!kaiming)
                {
                    NoEffect("InitMode", "it applies to WeightInit = Init.KaimingUniform or Init.KaimingNormal only");
                }

                if (!kaiming && !xavier)
                {
                    NoEffect("InitNonlinearity", "it sets the gain of Kaiming and Xavier initializers only");
                    NoEffect("InitSlope", "it sets the gain of Kaiming and Xavier initializers only");
                }
                else if (fan.Nonlinearity != Nonlinearity.LeakyReLU)
                {
                    NoEffect("InitSlope", "it applies to InitNonlinearity = Nonlinearity.LeakyReLU only");
                }
            }
        }
    }

    /// <summary>Whether the initializer scales by fan-in or fan-out, which a 1-D tensor does not have.</summary>
    public static bool UsesFans(Init kind) => kind is Init.KaimingUniform or Init.KaimingNormal or Init.XavierUniform or Init.XavierNormal or Init.LeCunNormal;

    /// <summary>A bound as users read it: float's largest value as <c>3.4028235E+38</c>, not its double expansion.</summary>
    private static string Text(double bound) => System.Math.Abs(bound) == float.MaxValue || bound == MinSoftplusBeta
        ? ((float)bound).ToString("R", System.Globalization.CultureInfo.InvariantCulture)
        : bound.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Whether the value is one the enum declares: a cast such as <c>(Init)42</c> compiles, but names nothing.</summary>
    private static bool IsDefined<TEnum>(TEnum value)
        where TEnum : struct, System.Enum => System.Enum.IsDefined(typeof(TEnum), value);
}
