using System;
using System.Collections.Generic;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>
/// Writes one layer's code: its static forward and backward methods (outputs, then inputs, then
/// weights, then sizes, as in llm.c), and the calls that the network's <c>RunForward</c> and
/// <c>RunBackward</c> make to them. Subclasses exist per layer kind.
/// </summary>
/// <remarks>
/// Calls are written inside methods that have <c>parameters</c>, <c>gradients</c>, <c>workspace</c>,
/// <c>capacity</c>, <c>first</c> (the chunk's first sample), <c>batchSize</c> (the chunk's samples),
/// <c>scratch</c> and <c>simd</c> in scope. Every layer method takes the SIMD level last: the generated
/// scalar code is the reference, and the vectorised path calls the runtime's kernels with the layer's
/// compile-time shapes. Every size inside a layer method is a literal constant.
/// </remarks>
internal abstract class LayerEmitter
{
    protected LayerEmitter(LayerModel layer) => Layer = layer;

    public LayerModel Layer { get; }

    /// <summary>Whether the layer owns parameters and so has a <c>BackwardParameters</c> method.</summary>
    public bool HasParameters => Layer.Parameters.Count > 0;

    /// <summary>Whether Forward reads the <c>training</c> flag (dropout, batch statistics).</summary>
    public virtual bool UsesTrainingFlag => false;

    /// <summary>Whether the layer draws random numbers (dropout), and so needs the seed and the step.</summary>
    public virtual bool UsesNoise => false;

    /// <summary>Whether the layer has code at all (a <c>Flatten</c> only renames its input).</summary>
    public virtual bool EmitsCode => true;

    /// <summary>
    /// An expression for the floats of per-thread scratch the layer's vectorised path needs when a
    /// thread runs <paramref name="samples"/> samples at a time, or <see langword="null"/> for none. The
    /// runtime owns the formula, so the generated constructor calls it.
    /// </summary>
    public virtual string? KernelScratchExpression(string samples) => null;

    protected string MethodName => Layer.MethodName;

    protected LayerSpec Spec => Layer.Spec;

    public static LayerEmitter Create(LayerModel layer) => layer.Spec switch
    {
        DenseSpec => new DenseEmitter(layer),
        Conv2DSpec => new Conv2DEmitter(layer),
        Pool2DSpec { Pooling: PoolKind.Max } => new MaxPool2DEmitter(layer),
        Pool2DSpec => new AvgPool2DEmitter(layer),
        GlobalAvgPool2DSpec => new GlobalAvgPool2DEmitter(layer),
        BatchNormSpec => new BatchNormEmitter(layer),
        DropoutSpec => new DropoutEmitter(layer),
        AddSpec => new AddEmitter(layer),
        ConcatSpec => new ConcatEmitter(layer),
        FlattenSpec => new FlattenEmitter(layer),
        ActivationSpec => new ActivationEmitter(layer),
        SoftmaxSpec { Log: true } => new LogSoftmaxEmitter(layer),
        SoftmaxSpec => new SoftmaxEmitter(layer),
        _ => throw new NotSupportedException("No emitter for layer kind " + layer.Spec.Kind),
    };

    /// <summary>Writes the layer's forward and backward methods.</summary>
    public abstract void EmitMethods(SourceWriter writer);

    /// <summary>Writes the statement in RunForward that runs this layer on the batch.</summary>
    public abstract void EmitForwardCall(SourceWriter writer);

    /// <summary>Writes the statement that accumulates this layer's parameter gradients.</summary>
    public virtual void EmitBackwardParametersCall(SourceWriter writer)
    {
    }

    /// <summary>
    /// Whether the layer's parameter gradients are computed once over the whole batch after the chunks'
    /// backward, in slices of its outputs that threads share (dense layers), instead of by each chunk
    /// into its own gradient buffer in RunBackward (convolutions).
    /// </summary>
    public virtual bool BatchWideParameterGradients => false;

    /// <summary>Writes the statement in RunBackward that computes the gradient of this layer's input.</summary>
    public abstract void EmitBackwardInputCall(SourceWriter writer);

    /// <summary>
    /// Writes the statement in RunBackward that computes the gradient of input <paramref name="slot"/>;
    /// only layers with more than one input (<c>Add</c>, <c>Concat</c>) have slots past 0.
    /// </summary>
    public virtual void EmitBackwardInputCall(SourceWriter writer, int slot) => EmitBackwardInputCall(writer);

    /// <summary>
    /// Whether the layer couples the samples of a training batch (batch normalisation, through the
    /// batch's statistics). Passes over the batch split into stages around such a layer: each chunk of
    /// samples computes its partial sums, one thread reduces them, then each chunk finishes the layer.
    /// </summary>
    public virtual bool CouplesBatch => false;

    /// <summary>For a layer that <see cref="CouplesBatch"/>: the chunk's partial statistics, at the end of a forward stage.</summary>
    public virtual void EmitForwardPartialCall(SourceWriter writer) => throw new NotSupportedException(Spec.Kind + " does not couple the batch");

    /// <summary>For a layer that <see cref="CouplesBatch"/>: the reduction of every chunk's partial statistics, once per batch.</summary>
    public virtual void EmitForwardReduceCall(SourceWriter writer) => throw new NotSupportedException(Spec.Kind + " does not couple the batch");

    /// <summary>For a layer that <see cref="CouplesBatch"/>: the rest of its forward on the chunk, at the start of the next stage.</summary>
    public virtual void EmitForwardFinishCall(SourceWriter writer) => throw new NotSupportedException(Spec.Kind + " does not couple the batch");

    /// <summary>For a layer that <see cref="CouplesBatch"/>: the chunk's partial sums of backward, at the end of a backward stage.</summary>
    public virtual void EmitBackwardPartialCall(SourceWriter writer) => throw new NotSupportedException(Spec.Kind + " does not couple the batch");

    /// <summary>For a layer that <see cref="CouplesBatch"/>: the reduction of every chunk's partial sums, once per batch.</summary>
    public virtual void EmitBackwardReduceCall(SourceWriter writer) => throw new NotSupportedException(Spec.Kind + " does not couple the batch");

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

    /// <summary>The separator comment that opens a layer's methods, so a reader can find each layer at a glance.</summary>
    protected void EmitHeader(SourceWriter writer)
    {
        writer.Line("// " + new string('-', 96));
        writer.Line("// " + Description);
        writer.Line("// " + new string('-', 96));
        writer.Line();
    }

    // ---- Expressions for call sites ----

    /// <summary>
    /// The chunk's slice of a workspace buffer: the buffer holds the whole batch contiguously from
    /// <c>offset * capacity</c>, and the chunk's samples start at sample <c>first</c>.
    /// </summary>
    protected static string WorkspaceSlice(int offset, int length) => offset == 0
        ? $"workspace.Slice(first * {length}, batchSize * {length})"
        : $"workspace.Slice({offset} * capacity + first * {length}, batchSize * {length})";

    /// <summary>
    /// A slice of the workspace's fixed region, which follows the per-sample buffers of every sample of
    /// the batch capacity: <c>workspace.Slice(WorkspaceLengthPerSample * capacity + 32, 16)</c>.
    /// </summary>
    protected static string FixedSlice(int offset, int length) => $"workspace.Slice(WorkspaceLengthPerSample * capacity + {offset}, {length})";

    protected string InputSlice => WorkspaceSlice(Layer.InputOffset, Layer.Input.Length);

    protected string OutputSlice => WorkspaceSlice(Layer.OutputOffset, Layer.Output.Length);

    protected string InputGradientSlice => WorkspaceSlice(Layer.InputGradientOffset, Layer.Input.Length);

    protected string OutputGradientSlice => WorkspaceSlice(Layer.OutputGradientOffset, Layer.Output.Length);

    /// <summary>The batch's slice of input <paramref name="slot"/>.</summary>
    protected string InputSliceOf(int slot) => WorkspaceSlice(Layer.Inputs[slot].Offset, Layer.Inputs[slot].Shape.Length);

    /// <summary>Where this layer writes the gradient of input <paramref name="slot"/>.</summary>
    protected string InputGradientSliceOf(int slot) => WorkspaceSlice(Layer.Inputs[slot].GradientOffset, Layer.Inputs[slot].Shape.Length);

    protected static string ParameterSlice(ParameterTensor tensor) => $"parameters.Slice({tensor.Offset}, {tensor.Length})";

    protected static string GradientSlice(ParameterTensor tensor) => $"gradients.Slice({tensor.Offset}, {tensor.Length})";

    protected static string StateSlice(ParameterTensor tensor) => $"state.Slice({tensor.Offset}, {tensor.Length})";

    /// <summary>Writes a call with one argument per line, each followed by its shape comment; the SIMD level goes last.</summary>
    protected static void EmitCall(SourceWriter writer, string method, IReadOnlyList<(string Argument, string Comment)> arguments)
    {
        writer.Line(method + "(");
        foreach ((string argument, string comment) in arguments)
        {
            writer.Line("    " + argument + "," + (comment.Length == 0 ? string.Empty : " // " + comment));
        }

        writer.Line("    simd);");
    }

    /// <summary>
    /// Writes a method signature with one parameter per line, each followed by its shape comment, and
    /// the SIMD level last. Layer methods are internal so that benchmarks in the same assembly can time
    /// one layer alone.
    /// </summary>
    protected static SourceWriter.Scope MethodBlock(SourceWriter writer, string summary, string name, IReadOnlyList<(string Parameter, string Comment)> parameters)
    {
        writer.Line("/// <summary>" + summary + "</summary>");

        // Compiled fully optimised on first call: a layer's loops are hot from its first batch, and the
        // tier-0 code the JIT would start with runs them many times slower until it is replaced.
        writer.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]");
        writer.Line("internal static void " + name + "(");
        foreach ((string parameter, string comment) in parameters)
        {
            writer.Line("    " + parameter + "," + (comment.Length == 0 ? string.Empty : " // " + comment));
        }

        writer.Line("    global::StaticNet.SimdLevel simd)");
        writer.Line("{");
        return new SourceWriter.Scope(writer, "}", indent: true);
    }

    /// <summary>
    /// Writes the vectorised path at the top of a layer method: the runtime's kernels, called with this
    /// layer's literal shapes, then <c>return</c>. The scalar code after it runs only at <c>SimdLevel.Scalar</c>.
    /// </summary>
    protected static void EmitVectorPath(SourceWriter writer, string what, Action<SourceWriter> body)
    {
        using (writer.Block("if (simd != global::StaticNet.SimdLevel.Scalar)"))
        {
            writer.Line("// Vectorised: " + what);
            body(writer);
            writer.Line("return;");
        }

        writer.Line();
        writer.Line("// Scalar reference.");
    }

    protected const string Kernels = "global::StaticNet.Kernels";

    protected const string EmptySpan = "global::System.ReadOnlySpan<float>.Empty";

    /// <summary>
    /// Writes <paramref name="body"/> preceded by the size constants it uses, as <c>const int</c>
    /// locals: the JIT sees literals, the reader sees names, and no constant goes unused.
    /// </summary>
    protected static void EmitWithConstants(SourceWriter writer, IReadOnlyList<(string Name, int Value)> constants, Action<SourceWriter> body)
    {
        SourceWriter bodyWriter = writer.Nested();
        body(bodyWriter);
        // Only code counts as a use: a name in a comment would declare a constant nothing reads.
        string text = System.Text.RegularExpressions.Regex.Replace(bodyWriter.ToString(), "//[^\n]*", string.Empty);
        var used = new List<string>();
        foreach ((string name, int value) in constants)
        {
            if (System.Text.RegularExpressions.Regex.IsMatch(text, @"\b" + name + @"\b"))
            {
                used.Add($"{name} = {value}");
            }
        }

        if (used.Count > 0)
        {
            writer.Line("const int " + string.Join(", ", used) + ";");
        }

        writer.Append(bodyWriter);
    }

    protected const string Span = "global::System.Span<float>";
    protected const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
}
