using System.Collections.Generic;
using StaticNet.Generator.Diagnostics;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Parsing;

/// <summary>
/// Checks each layer's own arguments (sizes, strides, paddings) before shapes are resolved; checks
/// that need the input shape live in <see cref="Shapes.NetworkPlanner"/>.
/// </summary>
internal static class LayerValidator
{
    public static void Validate(LayerSpec layer, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        void Require(bool valid, string argument, string requirement, int actual)
        {
            if (!valid)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerArgument, location, layer.Kind, layer.Name, argument, requirement, actual));
            }
        }

        switch (layer)
        {
            case DenseSpec dense:
                Require(dense.Units >= 1, "units", "at least 1", dense.Units);
                break;
            case Conv2DSpec conv:
                Require(conv.Filters >= 1, "filters", "at least 1", conv.Filters);
                Require(conv.Kernel >= 1, "Kernel", "at least 1 (set it with Conv2D(filters, kernel) or Kernel = k)", conv.Kernel);
                Require(conv.Stride >= 1, "Stride", "at least 1", conv.Stride);
                Require(conv.Padding >= 0, "Padding", "at least 0", conv.Padding);
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
        }
    }
}
