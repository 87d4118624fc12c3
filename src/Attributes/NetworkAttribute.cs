using System;

namespace StaticNet;

/// <summary>
/// Marks a <c>partial class</c> as a network for StaticNet to compile. The class also needs one
/// <see cref="InputAttribute"/> and at least one layer attribute; layers run in source order,
/// top to bottom and left to right within one attribute list.
/// </summary>
/// <example>
/// <code>
/// [Network]
/// [Input(1, 28, 28)]
/// [Conv2D(6, Kernel = 5, Padding = 2), ReLU, MaxPool2D(2)]
/// [Flatten]
/// [Dense(10)]
/// public partial class TinyNet;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = false)]
#if STATICNET_GENERATOR
internal
#else
public
#endif
sealed class NetworkAttribute : Attribute
{
    /// <summary>
    /// A safetensors file whose tensors the network starts with, compiled into the assembly: no file
    /// to ship, open or parse at run time. List the file as an <c>AdditionalFiles</c> item (the
    /// package's <c>StaticNet.EmbeddedWeights.targets</c> hands it to the generator); name it here by its file name (<c>"lenet5.safetensors"</c>)
    /// or by its path relative to the project (<c>"weights/lenet5.safetensors"</c>). The file must hold
    /// exactly the network's tensors, as float32 under their PyTorch <c>state_dict</c> names.
    /// </summary>
    public string? Weights { get; set; }

    /// <summary>
    /// What the network's output is: values in the last layer's shape (the default), or
    /// <see cref="NetworkOutput.Sequence"/>, a sequence of steps for a sequence loss such as CTC. A sequence output is
    /// checked at compile time to be <c>[classes, 1, steps]</c>, and the class gets the constants
    /// <c>SequenceClasses</c> and <c>SequenceSteps</c>.
    /// </summary>
    public NetworkOutput Output { get; set; }
}

/// <summary>What a network's output is, as <c>[Network(Output = ...)]</c> declares it.</summary>
#if STATICNET_GENERATOR
internal
#else
public
#endif
enum NetworkOutput
{
    /// <summary>Values in the last layer's shape: class scores, regression targets, an embedding.</summary>
    Values,

    /// <summary>
    /// A sequence: the last layer's output is <c>[classes, 1, steps]</c>, an image one row high whose columns are
    /// the steps and whose channels are each step's class scores, what <c>CtcLayout.ClassMajor</c> reads (a CRNN's
    /// convolutions over a text line, its width becoming the time axis).
    /// </summary>
    Sequence,
}

/// <summary>
/// The shape of one input sample: <c>[Input(features)]</c> for a flat vector, or
/// <c>[Input(channels, height, width)]</c> for an image in NCHW order (as in PyTorch and ONNX).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = false)]
#if STATICNET_GENERATOR
internal
#else
public
#endif
sealed class InputAttribute : Attribute
{
    /// <summary>A flat input of <paramref name="features"/> values.</summary>
    public InputAttribute(int features) => Shape = new[] { features };

    /// <summary>An image input of <paramref name="channels"/> x <paramref name="height"/> x <paramref name="width"/> values.</summary>
    public InputAttribute(int channels, int height, int width) => Shape = new[] { channels, height, width };

    /// <summary>The declared shape, outermost dimension first.</summary>
    public int[] Shape { get; }
}
