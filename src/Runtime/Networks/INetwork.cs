using System;
using System.Collections.Generic;

namespace StaticNet;

/// <summary>
/// What every generated network offers, so that code which trains, evaluates or saves any network
/// (the <see cref="Trainer{TNetwork}"/>, checkpoints) can work with all of them. The generated class
/// also has these sizes as <c>const</c> fields (<c>LeNet5.InputLength</c>) for code that knows the type.
/// </summary>
public interface INetwork
{
    /// <summary>The name of the network class, for messages.</summary>
    string Name { get; }

    /// <summary>Values in one input sample.</summary>
    int InputLength { get; }

    /// <summary>Values in one output sample.</summary>
    int OutputLength { get; }

    /// <summary>Learned parameters in all layers.</summary>
    int ParameterCount { get; }

    /// <summary>The largest batch <see cref="Forward"/> takes.</summary>
    int BatchCapacity { get; }

    /// <summary>The code the layers run: the generated scalar code or the vectorised kernels. Every level computes the same function.</summary>
    SimdLevel Simd { get; set; }

    /// <summary>Threads that batches run on, from 1 to <see cref="MaxThreads"/>. Results do not depend on it.</summary>
    int Threads { get; set; }

    /// <summary>The most threads a batch can run on.</summary>
    int MaxThreads { get; }

    /// <summary>All parameters in one flat buffer.</summary>
    Span<float> Parameters { get; }

    /// <summary>The parameters' gradients, in the layout of <see cref="Parameters"/>.</summary>
    Span<float> Gradients { get; }

    /// <summary>
    /// Every tensor with its PyTorch <c>state_dict</c> name, shape and place, in <c>state_dict</c> order:
    /// the parameters and, for layers that keep any, state (<see cref="TensorKind.State"/>, such as
    /// batch normalisation's running estimates), which <see cref="ReadTensor"/> and <see cref="WriteTensor"/>
    /// reach by name too.
    /// </summary>
    IReadOnlyList<TensorInfo> Tensors { get; }

    /// <summary>
    /// The parts of <see cref="Parameters"/> that training may change, as ranges of the flat buffer in
    /// ascending order: every parameter but those of layers frozen in the declaration or with
    /// <c>Freeze(name)</c>. An optimizer that updates only these leaves frozen layers untouched.
    /// </summary>
    IReadOnlyList<ParameterRange> TrainableRanges { get; }

    /// <summary>The model summary: each layer with its output shape and parameter count.</summary>
    string Summary { get; }

    /// <summary>
    /// The layer graph, one row per layer in the order they run: kind, inputs, shapes, settings and
    /// tensors. What the generated code has unrolled, as data, for code that needs the graph (the ONNX export).
    /// </summary>
    IReadOnlyList<LayerInfo> LayerTable { get; }

    /// <summary>
    /// The activation the last layer applies, when it is one that a loss on logits would apply again
    /// (<c>[Softmax]</c>, <c>[LogSoftmax]</c>, <c>[Sigmoid]</c>); <see cref="OutputActivation.None"/> otherwise.
    /// The <see cref="Trainer{TNetwork}"/> reads it to refuse such pairs.
    /// </summary>
    OutputActivation OutputActivation => OutputActivation.None;

    /// <summary>Sets every parameter as PyTorch initialises it by default, from <paramref name="seed"/>.</summary>
    void Initialize(int seed);

    /// <summary>Sets every gradient to zero.</summary>
    void ZeroGradients();

    /// <summary>Runs a training batch forward, keeping what <see cref="Backward"/> needs.</summary>
    void Forward(ReadOnlySpan<float> input, Span<float> output, int batchSize);

    /// <summary>Adds the last batch's parameter gradients to <see cref="Gradients"/>; writes the input gradient unless it is empty.</summary>
    void Backward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int batchSize);

    /// <summary>Runs one sample forward in inference mode; <paramref name="input"/> and <paramref name="output"/> hold exactly one sample each.</summary>
    void Predict(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>Runs <paramref name="count"/> samples forward in inference mode; the spans hold exactly <paramref name="count"/> samples each.</summary>
    void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int count);

    /// <summary>Copies a tensor, by <c>state_dict</c> name, in PyTorch's layout.</summary>
    void ReadTensor(string name, Span<float> destination);

    /// <summary>Overwrites a tensor, by <c>state_dict</c> name, from PyTorch's layout.</summary>
    void WriteTensor(string name, ReadOnlySpan<float> source);
}

/// <summary>What a network's last layer does to its outputs, as far as a loss needs to know.</summary>
public enum OutputActivation
{
    /// <summary>Nothing a loss cares about: the outputs are logits or values.</summary>
    None,

    /// <summary>Softmax: each sample's outputs are probabilities that sum to 1.</summary>
    Softmax,

    /// <summary>Log-softmax: each sample's outputs are log-probabilities.</summary>
    LogSoftmax,

    /// <summary>Sigmoid: each output is a probability from 0 to 1.</summary>
    Sigmoid,
}
