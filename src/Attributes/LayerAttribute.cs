using System;

namespace StaticNet;

/// <summary>
/// The base of every layer attribute. Layers apply in source order: top to bottom, and left to right
/// within one attribute list (<c>[Conv2D(6, Kernel = 5), ReLU, MaxPool2D(2)]</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
#if STATICNET_GENERATOR
internal
#else
public
#endif
abstract class LayerAttribute : Attribute
{
    /// <summary>
    /// The layer's name: the prefix of its parameters' PyTorch <c>state_dict</c> names
    /// (<c>conv1.weight</c>) and the handle other layers use to refer to it. Unnamed layers get a
    /// default from their kind and position among layers of that kind (<c>conv1</c>, <c>fc2</c>, <c>relu3</c>).
    /// </summary>
    public string? Name { get; set; }

    /// <summary>
    /// The name of an earlier layer whose output this layer takes as its input, instead of the
    /// output of the layer just before it: how a branch starts, such as the shortcut of a residual
    /// block (<c>[Conv2D(64, 1, Stride = 2, From = "block2_in")]</c>). Default: the previous layer.
    /// </summary>
    public string? From { get; set; }
}

/// <summary>
/// The base of layers with learned parameters (<c>weight</c> and <c>bias</c>): how each is
/// initialised, and whether training leaves them as they are.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
#if STATICNET_GENERATOR
internal
#else
public
#endif
abstract class LearnedLayerAttribute : LayerAttribute
{
    /// <summary>How the weight is initialised. Default: as PyTorch initialises this kind of layer.</summary>
    public Init WeightInit { get; set; }

    /// <summary>How the bias is initialised. Default: as PyTorch initialises this kind of layer.</summary>
    public Init BiasInit { get; set; }

    /// <summary>The value of every weight when <see cref="WeightInit"/> is <see cref="Init.Constant"/>.</summary>
    public double WeightInitValue { get; set; }

    /// <summary>The value of every bias when <see cref="BiasInit"/> is <see cref="Init.Constant"/>.</summary>
    public double BiasInitValue { get; set; }

    /// <summary>
    /// Whether the layer's parameters are fixed: the generated Backward computes no gradient for them
    /// (and none upstream of them that nothing trainable needs), and they are left out of
    /// <c>TrainableRanges</c>, so an optimizer never changes them. Default <see langword="false"/>.
    /// To freeze a layer for a while only, call <c>Freeze("name")</c> on the network instead.
    /// </summary>
    public bool Frozen { get; set; }
}
