using System;

namespace StaticNet;

/// <summary>
/// The base of every layer attribute. Layers apply in source order: top to bottom, and left to right
/// within one attribute list (<c>[Conv2D(6, Kernel = 5), ReLU, MaxPool2D(2)]</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
public abstract class LayerAttribute : Attribute
{
    /// <summary>
    /// The layer's name: the prefix of its parameters' PyTorch <c>state_dict</c> names
    /// (<c>conv1.weight</c>) and the handle other layers use to refer to it. Unnamed layers get a
    /// default from their kind and position among layers of that kind (<c>conv1</c>, <c>fc2</c>, <c>relu3</c>).
    /// </summary>
    public string? Name { get; set; }
}
