using StaticNet.Generator.Model;

namespace StaticNet.Generator.Shapes;

/// <summary>
/// Floating-point operations per sample, for the model summary and for benchmarks' GFLOP/s. A
/// multiply-add counts two; an element-wise operation (an activation, a comparison in pooling, a bias
/// add) counts one.
/// </summary>
internal static class Flops
{
    public static long Forward(LayerModel layer) => layer.Spec switch
    {
        DenseSpec dense => (2L * layer.Input.Length * dense.Units) + (dense.HasBias ? dense.Units : 0),
        Conv2DSpec conv => (2L * layer.Input.Channels * conv.Kernel.Height * conv.Kernel.Width * layer.Output.Length) + (conv.HasBias ? layer.Output.Length : 0),
        Pool2DSpec pool => (long)pool.Kernel.Height * pool.Kernel.Width * layer.Output.Length,
        FlattenSpec or ConcatSpec => 0,
        SoftmaxSpec => 3L * layer.Output.Length,
        _ => layer.Output.Length,
    };

    /// <summary>The work of computing the layer's parameter gradients.</summary>
    public static long BackwardParameters(LayerModel layer) => layer.Spec switch
    {
        DenseSpec or Conv2DSpec => Forward(layer),
        _ => 0,
    };

    /// <summary>The work of computing the gradient of the layer's input.</summary>
    public static long BackwardInput(LayerModel layer) => layer.Spec switch
    {
        DenseSpec dense => 2L * layer.Input.Length * dense.Units,
        Conv2DSpec conv => 2L * layer.Input.Channels * conv.Kernel.Height * conv.Kernel.Width * layer.Output.Length,
        FlattenSpec or ConcatSpec => 0,
        SoftmaxSpec => 4L * layer.Output.Length,
        _ => 2L * layer.Output.Length,
    };

    public static long ForwardTotal(NetworkModel model)
    {
        long total = 0;
        foreach (LayerModel layer in model.Layers)
        {
            total += Forward(layer);
        }

        return total;
    }

    /// <summary>
    /// One training sample's forward and backward work: every layer forward, every parameter gradient,
    /// and the input gradient of every layer that has a layer with parameters before it (the first
    /// layers' input gradients are computed only on request).
    /// </summary>
    public static long TrainingTotal(NetworkModel model)
    {
        long total = 0;
        bool parametersBefore = false;
        foreach (LayerModel layer in model.Layers)
        {
            total += Forward(layer) + BackwardParameters(layer) + (parametersBefore ? BackwardInput(layer) : 0);
            parametersBefore |= layer.Parameters.Count > 0;
        }

        return total;
    }
}
