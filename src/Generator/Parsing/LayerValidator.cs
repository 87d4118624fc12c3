using System.Collections.Generic;
using System.Linq;
using StaticNet.Generator.Diagnostics;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Parsing;

/// <summary>
/// Checks each layer's own arguments (sizes, strides, rates, initializers) before shapes are resolved;
/// checks that need the input shape or other layers live in <see cref="Shapes.NetworkPlanner"/>.
/// </summary>
internal static class LayerValidator
{
    /// <param name="layer">The layer as read.</param>
    /// <param name="explicitSettings">The named arguments the declaration gives, to report those that have no effect.</param>
    /// <param name="location">Where the layer is declared.</param>
    /// <param name="diagnostics">Receives every problem found.</param>
    public static void Validate(LayerSpec layer, IReadOnlyCollection<string> explicitSettings, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        void Require(bool valid, string argument, string requirement, object actual)
        {
            if (!valid)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerArgument, location, layer.Kind, layer.Name, argument, requirement, actual));
            }
        }

        void NoEffect(string setting, string reason)
        {
            if (explicitSettings.Contains(setting))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SettingHasNoEffect, location, layer.Kind, layer.Name, setting, reason));
            }
        }

        switch (layer)
        {
            case DenseSpec dense:
                Require(dense.Units >= 1, "units", "at least 1", dense.Units);
                ValidateInitializers(dense.WeightInit, dense.BiasInit, dense.Fan, dense.HasBias, "Bias = false");
                break;
            case Conv2DSpec conv:
                Require(conv.Filters >= 1, "filters", "at least 1", conv.Filters);
                Require(conv.Kernel >= 1, "Kernel", "at least 1 (set it with Conv2D(filters, kernel) or Kernel = k)", conv.Kernel);
                Require(conv.Stride >= 1, "Stride", "at least 1", conv.Stride);
                Require(conv.Padding >= 0, "Padding", "at least 0", conv.Padding);
                Require(conv.Dilation >= 1, "Dilation", "at least 1", conv.Dilation);
                ValidateInitializers(conv.WeightInit, conv.BiasInit, conv.Fan, conv.HasBias, "Bias = false");
                break;
            case Pool2DSpec pool:
                Require(pool.Kernel >= 1, "kernel", "at least 1", pool.Kernel);
                Require(pool.Stride >= 1, "Stride", "at least 1 (or 0 for the kernel size)", pool.Stride);
                Require(pool.Padding >= 0, "Padding", "at least 0", pool.Padding);
                if (pool.Kernel >= 1 && pool.Padding > pool.Kernel / 2)
                {
                    // PyTorch's rule: a window centred on the border must still cover one real value.
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.PoolPaddingTooLarge, location, layer.Kind, layer.Name, pool.Kernel / 2, pool.Padding));
                }

                break;
            case BatchNormSpec norm:
                Require(norm.Momentum >= 0 && norm.Momentum <= 1, "Momentum", "from 0 to 1", norm.Momentum);
                Require(norm.Epsilon > 0 && IsFinite(norm.Epsilon), "Epsilon", "a finite number above 0", norm.Epsilon);
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
                Require(dropout.Rate >= 0 && dropout.Rate < 1, "rate", "from 0 to below 1", dropout.Rate);
                break;
            case ActivationSpec { Function: ActivationKind.LeakyReLU } leaky:
                Require(IsFinite(leaky.Parameter), "slope", "a finite number", leaky.Parameter);
                break;
            case ActivationSpec { Function: ActivationKind.Elu } elu:
                Require(IsFinite(elu.Parameter), "alpha", "a finite number", elu.Parameter);
                break;
            case ActivationSpec { Function: ActivationKind.Softplus } softplus:
                Require(softplus.Parameter > 0 && IsFinite(softplus.Parameter), "Beta", "a finite number above 0", softplus.Parameter);
                Require(IsFinite(softplus.Parameter2), "Threshold", "a finite number", softplus.Parameter2);
                break;
        }

        void ValidateInitializers(InitSpec weight, InitSpec bias, FanSpec? fan, bool hasBias, string noBias)
        {
            Require(IsDefined(weight.Kind), "WeightInit", "one of the values of StaticNet.Init", (int)weight.Kind);
            Require(IsDefined(bias.Kind), "BiasInit", "one of the values of StaticNet.Init", (int)bias.Kind);
            Require(IsFinite(weight.Value), "WeightInitValue", "a finite number", weight.Value);
            Require(IsFinite(bias.Value), "BiasInitValue", "a finite number", bias.Value);

            // Fan-scaled initializers need a tensor of at least two dimensions, as in PyTorch.
            if (fan is null && UsesFans(weight.Kind))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InitializerNeedsFans, location, layer.Kind, layer.Name, weight.Kind, "weight"));
            }

            if (hasBias && UsesFans(bias.Kind))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InitializerNeedsFans, location, layer.Kind, layer.Name, bias.Kind, "bias"));
            }

            if (!hasBias)
            {
                NoEffect("BiasInit", "the layer has no bias with " + noBias);
                NoEffect("BiasInitValue", "the layer has no bias with " + noBias);
            }
            else if (bias.Kind != InitKind.Constant)
            {
                NoEffect("BiasInitValue", "it sets the value of BiasInit = Init.Constant only");
            }

            if (weight.Kind != InitKind.Constant)
            {
                NoEffect("WeightInitValue", "it sets the value of WeightInit = Init.Constant only");
            }

            if (fan is not null)
            {
                Require(IsDefined(fan.Mode), "InitMode", "one of the values of StaticNet.FanMode", (int)fan.Mode);
                Require(IsDefined(fan.Nonlinearity), "InitNonlinearity", "one of the values of StaticNet.Nonlinearity", (int)fan.Nonlinearity);
                Require(IsFinite(fan.Slope), "InitSlope", "a finite number", fan.Slope);
                bool kaiming = weight.Kind is InitKind.KaimingUniform or InitKind.KaimingNormal;
                bool xavier = weight.Kind is InitKind.XavierUniform or InitKind.XavierNormal;
                if (!kaiming)
                {
                    NoEffect("InitMode", "it applies to WeightInit = Init.KaimingUniform or Init.KaimingNormal only");
                }

                if (!kaiming && !xavier)
                {
                    NoEffect("InitNonlinearity", "it sets the gain of Kaiming and Xavier initializers only");
                    NoEffect("InitSlope", "it sets the gain of Kaiming and Xavier initializers only");
                }
                else if (fan.Nonlinearity != NonlinearityKind.LeakyReLU)
                {
                    NoEffect("InitSlope", "it applies to InitNonlinearity = Nonlinearity.LeakyReLU only");
                }
            }
        }
    }

    /// <summary>Whether the initializer scales by fan-in or fan-out, which a 1-D tensor does not have.</summary>
    public static bool UsesFans(InitKind kind) => kind is InitKind.KaimingUniform or InitKind.KaimingNormal or InitKind.XavierUniform or InitKind.XavierNormal or InitKind.LeCunNormal;

    /// <summary>Whether the value is a number a float can hold: generated code computes in float.</summary>
    private static bool IsFinite(double value) => !double.IsNaN(value) && System.Math.Abs(value) <= float.MaxValue;

    private static bool IsDefined(InitKind kind) => kind >= InitKind.Default && kind <= InitKind.Constant;

    private static bool IsDefined(FanMode mode) => mode is FanMode.FanIn or FanMode.FanOut;

    private static bool IsDefined(NonlinearityKind kind) => kind >= NonlinearityKind.Default && kind <= NonlinearityKind.Sigmoid;
}
