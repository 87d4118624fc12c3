using System;
using System.Collections.Generic;
using System.Linq;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>
/// Writes one layer's calls in the network's <c>RunForward</c> and <c>RunBackward</c>: one statement per layer
/// and direction, an operation of the runtime's <c>StaticNet.LayerPass</c> (<c>p</c>) with the layer's buffers
/// as per-sample workspace offsets and its shapes as literals, outputs first, then inputs, then weights, then
/// sizes, as in llm.c. The computation itself, its vector and scalar forms, lives in the runtime. Subclasses
/// exist per layer kind.
/// </summary>
internal abstract class LayerEmitter
{
    /// <summary>Calls longer than this put their sizes on a second line.</summary>
    private const int LineLength = 150;

    /// <summary>Where a buffer is read in the program being written: itself, except in inference, where a layer that passes its input through (dropout) is skipped.</summary>
    private Func<int, int> _buffer = static offset => offset;

    protected LayerEmitter(LayerModel layer) => Layer = layer;

    public LayerModel Layer { get; }

    /// <summary>Whether the layer owns parameters.</summary>
    public bool HasParameters => Layer.Parameters.Count > 0;

    /// <summary>Whether the layer has code at all (a <c>Flatten</c> only renames its input).</summary>
    public virtual bool EmitsCode => true;

    /// <summary>
    /// An expression for the floats of per-thread scratch the layer's kernels need when a thread runs
    /// <paramref name="samples"/> samples at a time, or <see langword="null"/> for none. The runtime owns the
    /// formula, so the generated definition calls it.
    /// </summary>
    public virtual string? KernelScratchExpression(string samples) => null;

    protected LayerSpec Spec => Layer.Spec;

    public static LayerEmitter Create(LayerModel layer) => layer.Spec switch
    {
        DenseSpec => new DenseEmitter(layer),
        Conv2DSpec => new Conv2DEmitter(layer),
        Pool2DSpec => new Pool2DEmitter(layer),
        GlobalAvgPool2DSpec => new GlobalAvgPool2DEmitter(layer),
        BatchNormSpec => new BatchNormEmitter(layer),
        DropoutSpec => new DropoutEmitter(layer),
        AddSpec => new AddEmitter(layer),
        ConcatSpec => new ConcatEmitter(layer),
        FlattenSpec => new FlattenEmitter(layer),
        ActivationSpec => new ActivationEmitter(layer),
        SoftmaxSpec => new SoftmaxEmitter(layer),
        _ => throw new NotSupportedException("No emitter for layer kind " + layer.Spec.Kind),
    };

    /// <summary>Writes the statement in RunForward that runs this layer on the pass's samples.</summary>
    public abstract void EmitForward(SourceWriter writer);

    /// <summary>
    /// Writes the statement in RunInference that runs this layer alone: its forward, reading its inputs where
    /// <paramref name="buffer"/> says they are. Layers that inference runs otherwise (batch normalisation, and layers
    /// folded together) are written by the network emitter.
    /// </summary>
    public void EmitInference(SourceWriter writer, Func<int, int> buffer)
    {
        _buffer = buffer;
        try
        {
            EmitForward(writer);
        }
        finally
        {
            _buffer = static offset => offset;
        }
    }

    /// <summary>Where the buffer at <paramref name="offset"/> is read in the program being written.</summary>
    protected int Buffer(int offset) => _buffer(offset);

    /// <summary>Writes the statement that adds this layer's parameter gradients to the pass's gradient buffer.</summary>
    public virtual void EmitBackwardParameters(SourceWriter writer)
    {
    }

    /// <summary>
    /// Whether the layer's parameter gradients are computed once over the whole batch after the chunks'
    /// backward, in slices of its outputs that threads share (dense layers), instead of by each chunk into its
    /// own gradient buffer in RunBackward (convolutions).
    /// </summary>
    public virtual bool BatchWideParameterGradients => false;

    /// <summary>
    /// Writes the statement in RunBackward that computes the gradient of input <paramref name="slot"/>; only
    /// layers with more than one input (<c>Add</c>, <c>Concat</c>) have slots past 0.
    /// </summary>
    public abstract void EmitBackwardInput(SourceWriter writer, int slot);

    /// <summary>
    /// Whether the layer couples the samples of a training batch (batch normalisation, through the batch's
    /// statistics). Passes over the batch split into stages around such a layer: each chunk of samples computes
    /// its partial sums, one thread reduces them, then each chunk finishes the layer.
    /// </summary>
    public virtual bool CouplesBatch => false;

    /// <summary>For a layer that <see cref="CouplesBatch"/>: the chunk's partial statistics, at the end of a forward stage.</summary>
    public virtual void EmitForwardPartial(SourceWriter writer) => throw new NotSupportedException(Spec.Kind + " does not couple the batch");

    /// <summary>For a layer that <see cref="CouplesBatch"/>: the reduction of every chunk's partial statistics, once per batch.</summary>
    public virtual void EmitForwardReduce(SourceWriter writer) => throw new NotSupportedException(Spec.Kind + " does not couple the batch");

    /// <summary>For a layer that <see cref="CouplesBatch"/>: the rest of its forward on the chunk, at the start of the next stage.</summary>
    public virtual void EmitForwardFinish(SourceWriter writer) => throw new NotSupportedException(Spec.Kind + " does not couple the batch");

    /// <summary>For a layer that <see cref="CouplesBatch"/>: the chunk's partial sums of backward, at the end of a backward stage.</summary>
    public virtual void EmitBackwardPartial(SourceWriter writer) => throw new NotSupportedException(Spec.Kind + " does not couple the batch");

    /// <summary>For a layer that <see cref="CouplesBatch"/>: the reduction of every chunk's partial sums and its parameter gradients, once per batch.</summary>
    public virtual void EmitBackwardReduce(SourceWriter writer) => throw new NotSupportedException(Spec.Kind + " does not couple the batch");

    /// <summary>One line describing the layer, used in comments: <c>conv1: Conv2D 5x5, stride 1, pad 2, (B, 1, 28, 28) -> (B, 6, 28, 28)</c>.</summary>
    public string Description
    {
        get
        {
            string settings = SummaryEmitter.Settings(Layer);
            settings = settings.Length == 0 ? string.Empty : " " + settings;
            return $"{Spec.Name}: {Spec.Kind}{settings}, {Layer.Input.ToBatchedString()} -> {Layer.Output.ToBatchedString()}";
        }
    }

    // ---- Arguments of a call: offsets name buffers, literals give sizes ----

    internal static string Arg(string name, long value) => name + ": " + Literals.Int(value);

    protected static string Arg(string name, double value) => name + ": " + Literals.Double(value);

    internal static string Arg(string name, bool value) => name + ": " + (value ? "true" : "false");

    /// <summary>A tensor's offset in the parameter (or state) buffer, or -1 for a tensor the layer does not have.</summary>
    protected static string Tensor(string name, ParameterTensor? tensor) => name + ": " + Literals.Int(tensor?.Offset ?? -1);

    protected string Output => Arg("output", Layer.OutputOffset);

    protected string Input => Arg("input", Buffer(Layer.InputOffset));

    protected string InputGradient => Arg("inputGradient", Layer.InputGradientOffset);

    protected string OutputGradient => Arg("outputGradient", Layer.OutputGradientOffset);

    /// <summary>
    /// Writes <c>p.Method(buffers, sizes);</c> on one line, or with the sizes on a second line when it would be
    /// long, so that a reader sees first what the layer reads and writes.
    /// </summary>
    internal static void EmitCall(SourceWriter writer, string method, IEnumerable<string> buffers, IEnumerable<string> sizes)
    {
        string head = "p." + method + "(" + string.Join(", ", buffers);
        string tail = string.Join(", ", sizes);
        string separator = head.EndsWith("(", StringComparison.Ordinal) || tail.Length == 0 ? string.Empty : ", ";
        string line = head + separator + tail + ");";
        if (line.Length <= LineLength || separator.Length == 0)
        {
            writer.Line(line);
            return;
        }

        writer.Line(head + ",");
        writer.Line("    " + tail + ");");
    }

    /// <summary>A folded call's batch-normalisation arguments when there is no batch normalisation.</summary>
    protected static readonly string[] NoNormalization = { "normWeight: -1", "normBias: -1", "runningMean: -1", "runningVar: -1", "epsilon: 0.0" };

    /// <summary>
    /// A window's settings as named literals: one each (<c>kernel: 5</c>) when the whole window is square, else
    /// both axes of each (<c>kernelHeight: 3, kernelWidth: 2</c>), for the runtime's per-axis overloads.
    /// </summary>
    protected static IEnumerable<string> WindowArgs(bool square, params (string Name, Axes Value)[] settings) => square
        ? settings.Select(s => Arg(s.Name, s.Value.Height))
        : settings.SelectMany(s => new[] { Arg(s.Name + "Height", s.Value.Height), Arg(s.Name + "Width", s.Value.Width) });

    /// <summary>The layer's sizes as named literals, for its calls.</summary>
    internal static IEnumerable<string> Sizes(params (string Name, long Value)[] sizes) => sizes.Select(s => Arg(s.Name, s.Value));
}
