using System.Collections.Generic;
using System.Linq;
using StaticNet.Generator.Model;
using StaticNet.Generator.Shapes;
using StaticNet.Kernels;

namespace StaticNet.Generator.Emit;

/// <summary>
/// Writes the generated half of a network class, a thin layer over the runtime's engine
/// (<c>StaticNet.CompiledNetwork</c>, as the Regex generator's runner derives from <c>RegexRunner</c>): the
/// constants, the definition the engine reads (tensors, layer table, workspace places), the constructor, and
/// <c>RunForward</c>, <c>RunInference</c> and <c>RunBackward</c>, which call each layer's operation in order as
/// llm.c's <c>gpt2_forward</c> does. The layers' calls come from their <see cref="LayerEmitter"/>s.
/// </summary>
internal sealed class NetworkEmitter
{
    /// <summary>
    /// Compiled fully optimised on first call: the straight-line programs run from a network's first batch, and the
    /// tier-0 code the JIT would start with costs a single-sample Predict several times its optimised time until
    /// it is replaced.
    /// </summary>
    private const string Optimized = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]";

    private static readonly string GeneratedCode = "[global::System.CodeDom.Compiler.GeneratedCode(\"StaticNet.Generator\", \"" + ThisAssembly.Version + "\")]";
    private const string Pass = "in global::StaticNet.LayerPass p";

    private readonly NetworkModel _model;
    private readonly EmbeddedWeights? _weights;
    private readonly List<LayerEmitter> _layers;
    private readonly InferenceProgram _inference;
    private readonly SourceWriter _writer = new();

    private NetworkEmitter(NetworkModel model, EmbeddedWeights? weights)
    {
        _model = model;
        _weights = weights;
        _layers = model.Layers.Select(LayerEmitter.Create).ToList();

        // A ReLU that alone reads a batch normalisation's output runs inside it, in training as in inference:
        // the normalised values are then never stored, and backward masks the gradient as it sums it.
        for (int i = 0; i + 1 < _layers.Count; i++)
        {
            if (_layers[i] is BatchNormEmitter norm && _model.ReadsAlone(i, i + 1) && _layers[i + 1] is ActivationEmitter { IsReLU: true } relu)
            {
                norm.FusedReLU = relu;
                relu.FusedInto = norm;
            }

            // A ReLU that alone reads a convolution's output is applied by the convolution's product as it stores each
            // tile, which saves a pass over the outputs; backward still masks the gradient by the ReLU's output.
            if (_layers[i] is Conv2DEmitter conv && _model.ReadsAlone(i, i + 1) && _layers[i + 1] is ActivationEmitter { IsReLU: true } applied)
            {
                conv.ReLUAfter = applied;
                applied.AppliedBy = conv;
            }

            // A ReLU whose output a max pooling alone reads has its backward pass in the pooling's: the gradient goes
            // to the few values each window picks, masked there, which saves the ReLU's pass over the whole gradient.
            if (_layers[i] is ActivationEmitter { IsReLU: true, FusedInto: null } pooled && _model.ReadsAlone(i, i + 1) && _layers[i + 1] is Pool2DEmitter { IsMax: true } pool)
            {
                pool.ReLUBefore = pooled;
                pooled.MaskedBy = pool;
            }
        }

        _inference = new InferenceProgram(model, _layers);
    }

    public static string Emit(NetworkModel model) => new NetworkEmitter(model, null).EmitFile();

    /// <summary>A network that starts with the tensors of a weights file, compiled in.</summary>
    public static string Emit(NetworkModel model, EmbeddedWeights weights) => new NetworkEmitter(model, weights).EmitFile();

    private LayerModel Last => _model.Layers[_model.Layers.Count - 1];

    private bool HasState => _model.StateCount > 0;

    private bool HasFixedRegion => _model.WorkspaceFixedLength > 0;

    /// <summary>The layers that couple the batch, in order: forward stage s ends at the s-th's partial statistics.</summary>
    private List<LayerEmitter> Coupled => _layers.Where(l => l.CouplesBatch).ToList();

    private int StageCount => Coupled.Count + 1;

    /// <summary>The trainable layers whose parameter gradients are computed over the whole batch after the chunks (dense layers).</summary>
    private List<LayerEmitter> BatchWideGradientLayers => _layers.Where(l => l.Layer.Trainable && l.BatchWideParameterGradients).ToList();

    /// <summary>Every tensor in PyTorch's <c>state_dict</c> order: per layer, its parameters, then its state.</summary>
    private IEnumerable<(ParameterTensor Tensor, bool IsState)> AllTensors =>
        _model.Layers.SelectMany(l => l.Parameters.Select(t => (t, false)).Concat(l.State.Select(t => (t, true))));

    private string EmitFile()
    {
        SourceWriter w = _writer;
        w.Line("// <auto-generated/>");
        w.Line($"// StaticNet compiled this file from the attributes on {_model.ClassName}; change those, not this file.");
        w.Line("#nullable enable");
        w.Line();
        if (_model.Namespace is null)
        {
            EmitClass();
        }
        else
        {
            using (w.Block("namespace " + _model.Namespace))
            {
                EmitClass();
            }
        }

        return w.ToString();
    }

    private void EmitClass()
    {
        SourceWriter w = _writer;
        string summary = SummaryEmitter.Build(_model);
        w.Line("/// <summary>");
        w.Line($"/// <para>A network compiled by StaticNet: {_model.Layers.Count} layers, {Literals.Grouped(_model.ParameterCount)} parameters.</para>");
        w.Line("/// <code>");
        foreach (string line in SummaryEmitter.ForXml(summary).Split('\n'))
        {
            w.Line("/// " + line);
        }

        w.Line("/// </code>");
        w.Line("/// </summary>");
        w.Line(GeneratedCode);
        using (w.Block($"partial class {Literals.Identifier(_model.ClassName)} : global::StaticNet.CompiledNetwork"))
        {
            EmitConstants(summary);
            EmitLayerConstants();
            EmitDefinition();
            EmitConstructor();
            if (_weights is not null)
            {
                EmbeddedWeightsEmitter.EmitMembers(w, _weights);
            }

            EmitRunForward();
            EmitRunInference();
            EmitRunBackward();
            EmitRunBackwardParameters();
        }
    }

    private void EmitConstants(string summary)
    {
        SourceWriter w = _writer;
        w.Line($"/// <summary>Values in one input sample, of shape {_model.Input}.</summary>");
        w.Line($"public const int InputLength = {_model.Input.Length};");
        w.Line();
        w.Line($"/// <summary>Values in one output sample, of shape {_model.Output}.</summary>");
        w.Line($"public const int OutputLength = {_model.Output.Length};");
        w.Line();
        w.Line("/// <summary>Learned parameters in all layers: the length of <see cref=\"global::StaticNet.CompiledNetwork.Parameters\"/> and <see cref=\"global::StaticNet.CompiledNetwork.Gradients\"/>.</summary>");
        w.Line($"public const int ParameterCount = {_model.ParameterCount};");
        w.Line();
        if (HasState)
        {
            w.Line("/// <summary>Values of state (running estimates) in all layers: the length of <see cref=\"global::StaticNet.CompiledNetwork.State\"/>. Saved and loaded with the parameters, never trained.</summary>");
            w.Line($"public const int StateCount = {_model.StateCount};");
            w.Line();
        }

        if (_model.SequenceOutput)
        {
            w.Line($"/// <summary>The output is a sequence, [classes, 1, steps] as its declaration says: {_model.Output.Width} steps of {_model.Output.Channels} class scores each, as <c>CtcLoss(SequenceSteps, SequenceClasses, CtcLayout.ClassMajor)</c> reads it.</summary>");
            w.Line($"public const int SequenceSteps = {_model.Output.Width}, SequenceClasses = {_model.Output.Channels};");
            w.Line();
        }

        w.Line("/// <summary>Floats of workspace per sample of batch capacity: each layer's output and its gradient, then the blocked tensors of inference.</summary>");
        w.Line($"public const int WorkspaceLengthPerSample = {_inference.WorkspaceLength};");
        w.Line();
        if (HasFixedRegion)
        {
            w.Line("/// <summary>Floats of workspace once per batch, whatever its size: batch statistics, after the per-sample buffers.</summary>");
            w.Line($"public const int WorkspaceFixedLength = {_model.WorkspaceFixedLength};");
            w.Line();
        }

        w.Line("/// <summary>Floating-point operations of one sample's forward pass (a multiply-add counts two).</summary>");
        w.Line($"public const long ForwardFlopsPerSample = {Flops.ForwardTotal(_model)};");
        w.Line();
        w.Line("/// <summary>Floating-point operations of one sample's training step: forward, every parameter gradient, and the input gradients backward needs.</summary>");
        w.Line($"public const long TrainingFlopsPerSample = {Flops.TrainingTotal(_model)};");
        w.Line();
        w.Line("/// <summary>The model summary: each layer with its output shape and parameter count.</summary>");
        w.Line("public const string Summary =");
        string[] lines = summary.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string text = i == lines.Length - 1 ? lines[i] : lines[i] + "\n";
            w.Line("    " + Literals.String(text) + (i == lines.Length - 1 ? ";" : " +"));
        }

        w.Line();
        w.Line($"/// <summary>The shape of one input sample, outermost dimension first: ({Dimensions(_model.Input)}).</summary>");
        w.Line($"public static global::System.ReadOnlySpan<int> InputShape => new int[] {{ {Dimensions(_model.Input)} }};");
        w.Line();
        w.Line($"/// <summary>The shape of one output sample, outermost dimension first: ({Dimensions(_model.Output)}).</summary>");
        w.Line($"public static global::System.ReadOnlySpan<int> OutputShape => new int[] {{ {Dimensions(_model.Output)} }};");
        w.Line();
    }

    /// <summary>
    /// The class holding the per-layer constants: <c>Layers</c>, unless the network itself is called
    /// that (a nested type cannot share its enclosing type's name).
    /// </summary>
    private string LayersClassName => _model.ClassName == "Layers" ? "LayerConstants" : "Layers";

    private static string Dimensions(Shape shape) => shape.IsFlat ? Literals.Int(shape.Length) : $"{shape.Channels}, {shape.Height}, {shape.Width}";

    /// <summary>One nested class per layer holding its output shape and parameter offsets as constants.</summary>
    private void EmitLayerConstants()
    {
        SourceWriter w = _writer;
        w.Line("/// <summary>Each layer's output shape and parameter offsets, as compile-time constants.</summary>");
        using (w.Block("public static class " + LayersClassName))
        {
            for (int i = 0; i < _layers.Count; i++)
            {
                LayerModel layer = _model.Layers[i];
                w.Line($"/// <summary>{_layers[i].Description}.</summary>");
                using (w.Block("public static class " + layer.ConstantsClass))
                {
                    w.Line("/// <summary>The layer's name, the prefix of its <c>state_dict</c> entries.</summary>");
                    w.Line($"public const string Name = {Literals.String(layer.Name)};");
                    if (layer.Output.IsFlat)
                    {
                        w.Line("/// <summary>Values in one sample's output.</summary>");
                        w.Line($"public const int OutputLength = {layer.Output.Length};");
                    }
                    else
                    {
                        w.Line("/// <summary>The output's channels, height and width, and its values per sample.</summary>");
                        w.Line($"public const int Channels = {layer.Output.Channels}, Height = {layer.Output.Height}, Width = {layer.Output.Width}, OutputLength = {layer.Output.Length};");
                    }

                    EmitTensorConstants(layer.Parameters, "parameter");
                    EmitTensorConstants(layer.State, "state");
                }
            }
        }

        w.Line();
    }

    /// <summary>Where a layer's tensors start in the parameter (or state) buffer, and their lengths, in one declaration.</summary>
    private void EmitTensorConstants(EquatableArray<ParameterTensor> tensors, string buffer)
    {
        if (tensors.Count == 0)
        {
            return;
        }

        SourceWriter w = _writer;
        string names = string.Join(", ", tensors.Select(t => $"<c>{t.Name}</c> {t.ShapeText}"));
        w.Line($"/// <summary>Where {names} start in the {buffer} buffer, and their lengths.</summary>");
        w.Line("public const int " + string.Join(", ", tensors.Select(t => $"{Pascal(t.Role)}Offset = {t.Offset}, {Pascal(t.Role)}Length = {t.Length}")) + ";");
    }

    /// <summary>The static definition the engine reads: sizes, workspace places, tensors with their initialisation, the layer table.</summary>
    private void EmitDefinition()
    {
        SourceWriter w = _writer;
        w.Line("// The network as the engine sees it: its tensors by state_dict name with their shapes, places and initialisation,");
        w.Line("// its layer graph, and where its input and output live in the workspace.");
        w.Line("private static readonly global::StaticNet.NetworkDefinition s_definition = new(");
        w.Line("    " + Literals.String(_model.ClassName) + ",");
        w.Line("    new global::StaticNet.TensorInfo[]");
        w.Line("    {");
        foreach ((ParameterTensor tensor, bool isState) in AllTensors)
        {
            string kind = isState ? ", global::StaticNet.TensorKind.State" : string.Empty;
            w.Line($"        new({Literals.String(tensor.Name)}, new int[] {{ {string.Join(", ", tensor.Dimensions)} }}, {tensor.Offset}, {tensor.Length}{kind}) {{ Init = {Init(tensor.Init)} }}, // {tensor.Init.Comment}");
        }

        w.Line("    },");
        w.Line("    new global::StaticNet.LayerInfo[]");
        w.Line("    {");
        foreach (LayerModel layer in _model.Layers)
        {
            w.Line("        " + LayerTableEmitter.Row(layer) + ",");
        }

        w.Line("    })");
        w.Line("{");
        w.Line($"    InputShape = new int[] {{ {Dimensions(_model.Input)} }},");
        w.Line($"    OutputShape = new int[] {{ {Dimensions(_model.Output)} }},");
        w.Line("    InputLength = InputLength,");
        w.Line("    OutputLength = OutputLength,");
        w.Line("    ParameterCount = ParameterCount,");
        if (HasState)
        {
            w.Line("    StateCount = StateCount,");
        }

        w.Line("    WorkspaceLengthPerSample = WorkspaceLengthPerSample,");
        if (HasFixedRegion)
        {
            w.Line("    WorkspaceFixedLength = WorkspaceFixedLength,");
        }

        w.Line($"    InputGradientOffset = {_model.Layers[0].InputGradientOffset},");
        w.Line($"    OutputOffset = {Last.OutputOffset},");
        w.Line($"    OutputGradientOffset = {Last.OutputGradientOffset},");
        if (StageCount > 1)
        {
            w.Line($"    Stages = {StageCount},");
        }

        List<LayerModel> chunkGradientLayers = _layers.Where(l => l.Layer.Trainable && !l.CouplesBatch && !l.BatchWideParameterGradients).Select(l => l.Layer).ToList();
        if (chunkGradientLayers.Count > 0)
        {
            string ranges = string.Join(", ", chunkGradientLayers.Select(l => $"new({l.Parameters[0].Offset}, {l.ParameterCount})"));
            w.Line($"    ChunkGradientRanges = new global::StaticNet.ParameterRange[] {{ {ranges} }}, // {string.Join(", ", chunkGradientLayers.Select(l => l.Name))}");
        }

        if (BatchWideGradientLayers.Count > 0)
        {
            w.Line("    BatchWideGradients = true,");
        }

        string[] scratchLengths = _layers.Select(l => l.KernelScratchExpression("samples")).Where(e => e is not null).Select(e => e!).Distinct().ToArray();
        if (scratchLengths.Length > 0)
        {
            w.Line("    KernelScratch = KernelScratchLengthFor,");
        }

        LayerModel? smallestNorm = _model.Layers.Where(l => l.Spec is BatchNormSpec).OrderBy(l => l.Input.Height * l.Input.Width).FirstOrDefault();
        if (smallestNorm is not null && smallestNorm.Input.Height * smallestNorm.Input.Width == 1)
        {
            w.Line($"    BatchStatisticsLayer = {Literals.String(smallestNorm.Name)},");
        }

        w.Line("    Summary = Summary,");
        if (OutputActivation != "None")
        {
            w.Line($"    OutputActivation = global::StaticNet.OutputActivation.{OutputActivation},");
        }

        w.Line("};");
        w.Line();
        EmitKernelScratch(scratchLengths);
    }

    /// <summary>The largest scratch any layer's kernels need for a number of samples at a time; the runtime owns each formula.</summary>
    private void EmitKernelScratch(string[] lengths)
    {
        if (lengths.Length == 0)
        {
            return;
        }

        SourceWriter w = _writer;
        w.Line("/// <summary>The floats of scratch the layers' kernels need for <paramref name=\"samples\"/> samples at a time.</summary>");
        using (w.Block("private static int KernelScratchLengthFor(int samples)"))
        {
            w.Line("int length = 0;");
            foreach (string length in lengths)
            {
                w.Line($"length = global::System.Math.Max(length, {length});");
            }

            w.Line("return length;");
        }

        w.Line();
    }

    private static string Init(TensorInit init) => init.Distribution switch
    {
        InitDistribution.Uniform => $"global::StaticNet.TensorInit.Uniform({Literals.Float(init.A)}, {Literals.Float(init.B)})",
        InitDistribution.Normal => $"global::StaticNet.TensorInit.Normal({Literals.Float(init.A)}, {Literals.Float(init.B)})",
        _ => $"global::StaticNet.TensorInit.Constant({Literals.Float(init.A)})",
    };

    private void EmitConstructor()
    {
        SourceWriter w = _writer;
        if (_weights is null)
        {
            w.Line("/// <summary>Creates the network with its parameters initialised as its layers declare (PyTorch's defaults unless stated), reproducibly from <paramref name=\"seed\"/>.</summary>");
            w.Line("/// <param name=\"seed\">Seeds the initialisation and any dropout masks: the same seed gives the same parameters on every machine.</param>");
        }
        else
        {
            w.Line("/// <summary>Creates the network with the tensors compiled in from <c>" + EmbeddedWeightsEmitter.Xml(_weights.File) + "</c> (see <see cref=\"LoadEmbeddedWeights\"/>); <see cref=\"global::StaticNet.CompiledNetwork.Initialize\"/> replaces them with a random initialisation.</summary>");
            w.Line("/// <param name=\"seed\">Seeds any dropout masks; the network starts with its embedded weights.</param>");
        }

        w.Line("/// <param name=\"batchCapacity\">The largest batch <see cref=\"global::StaticNet.CompiledNetwork.Forward\"/> takes; the workspace is allocated for it once, here.</param>");
        w.Line($"public {Literals.Identifier(_model.ClassName)}(int seed = 0, int batchCapacity = 64)");
        if (_weights is null)
        {
            w.Line("    : base(s_definition, seed, batchCapacity)");
            w.Line("{");
            w.Line("}");
        }
        else
        {
            using (w.Block("    : base(s_definition, seed, batchCapacity, initialize: false)"))
            {
                w.Line("LoadEmbeddedWeights();");
            }
        }

        w.Line();
    }

    /// <summary>The part of a layer a forward stage runs.</summary>
    private enum Part
    {
        /// <summary>The whole layer.</summary>
        Whole,

        /// <summary>A batch-coupled layer's partial statistics, at the end of a stage.</summary>
        Partial,

        /// <summary>A batch-coupled layer's rest, after the reduction, at the start of the next stage.</summary>
        Finish,
    }

    /// <summary>The forward stages: each a list of layers and the part of each the stage runs.</summary>
    private List<List<(LayerEmitter Layer, Part Part)>> ForwardStages()
    {
        var stages = new List<List<(LayerEmitter, Part)>> { new() };
        foreach (LayerEmitter layer in _layers)
        {
            if (layer.CouplesBatch)
            {
                stages[stages.Count - 1].Add((layer, Part.Partial));
                stages.Add(new List<(LayerEmitter, Part)> { (layer, Part.Finish) });
            }
            else
            {
                stages[stages.Count - 1].Add((layer, Part.Whole));
            }
        }

        return stages;
    }

    private void EmitRunForward()
    {
        SourceWriter w = _writer;
        List<List<(LayerEmitter Layer, Part Part)>> stages = ForwardStages();
        w.Line("/// <inheritdoc/>");
        w.Line(Optimized);
        using (w.Block($"protected override void RunForward({Pass}, int stage)"))
        {
            EmitStages(stages.Count, "stage", stage =>
            {
                foreach ((LayerEmitter layer, Part part) in stages[stage])
                {
                    if (layer is ActivationEmitter { FusedInto: { } norm })
                    {
                        w.Line($"// {layer.Description}, applied by {norm.Layer.Name}");
                        continue;
                    }

                    if (layer is ActivationEmitter { AppliedBy: { } conv })
                    {
                        w.Line($"// {layer.Description}, applied by {conv.Layer.Name}");
                        continue;
                    }

                    // A batch-coupled layer is described where it finishes; its partial statistics' call says what it is.
                    if (layer.EmitsCode && part != Part.Partial)
                    {
                        w.Line("// " + layer.Description + (part == Part.Finish ? " (with the batch's statistics)" : string.Empty));
                    }

                    switch (part)
                    {
                        case Part.Partial:
                            layer.EmitForwardPartial(w);
                            break;
                        case Part.Finish:
                            layer.EmitForwardFinish(w);
                            break;
                        default:
                            layer.EmitForward(w);
                            break;
                    }
                }
            });
        }

        w.Line();
        if (StageCount > 1)
        {
            List<LayerEmitter> coupled = Coupled;
            w.Line("/// <inheritdoc/>");
            w.Line(Optimized);
            using (w.Block($"protected override void ReduceForward({Pass}, int stage)"))
            {
                EmitStages(coupled.Count, "stage", stage => coupled[stage].EmitForwardReduce(w), stage => coupled[stage].Layer.Name + ": the batch's statistics, or the running estimates");
            }

            w.Line();
        }
    }

    /// <summary>The inference program: see <see cref="InferenceProgram"/>.</summary>
    private void EmitRunInference()
    {
        SourceWriter w = _writer;
        w.Line("/// <inheritdoc/>");
        w.Line(Optimized);
        using (w.Block($"protected override void RunInference({Pass})"))
        {
            _inference.EmitRun(w);
        }

        w.Line();
    }

    /// <summary>
    /// Writes the body of a staged method: the one stage's statements, or a switch over the stages. A stage's
    /// statements may be none (a stage of backward that only reduces).
    /// </summary>
    private void EmitStages(int count, string variable, System.Action<int> emitStage, System.Func<int, string>? label = null)
    {
        SourceWriter w = _writer;
        if (count == 1)
        {
            emitStage(0);
            return;
        }

        using (w.Block($"switch ({variable})"))
        {
            for (int stage = 0; stage < count; stage++)
            {
                w.Line($"case {stage}:" + (label is null ? string.Empty : " // " + label(stage)));
                using (w.Indent())
                {
                    emitStage(stage);
                    w.Line("return;");
                }
            }
        }
    }

    private void EmitRunBackward()
    {
        SourceWriter w = _writer;
        var stages = new List<List<System.Action>> { new() };
        var reductions = new List<System.Action>();
        var reductionLabels = new List<string>();

        // Layers last to first; each layer's statements are always run, or only when the input gradient is asked
        // for, and neighbours with the same condition share one if block. A batch-coupled layer ends a stage with
        // its partial sums, and starts the next with its input gradient.
        for (int i = _layers.Count - 1; i >= 0; i--)
        {
            LayerEmitter layer = _layers[i];
            LayerModel model = layer.Layer;
            var statements = new List<(bool Always, System.Action Emit)>();
            if (model.GradientSums.Count > 0)
            {
                statements.Add((model.OutputGradientAlways, () =>
                {
                    w.Line($"// {model.Name}'s output is read by {model.GradientSums.Count + 1} layers, each of which wrote its gradient apart: sum them.");
                    foreach (int extra in model.GradientSums)
                    {
                        w.Line($"p.AddGradient(target: {model.OutputGradientOffset}, source: {extra}, length: {model.Output.Length});");
                    }
                }));
            }

            bool neededAlways = model.Trainable || model.Inputs[0].GradientAlways;
            if (layer.CouplesBatch)
            {
                statements.Add((neededAlways, () => layer.EmitBackwardPartial(w)));
                AddLayer(layer, statements);
                stages.Add(new List<System.Action>());
                reductions.Add(() => Guarded(neededAlways, () => layer.EmitBackwardReduce(w)));
                reductionLabels.Add(model.Name + ": the batch's totals" + (model.Trainable ? " and its parameter gradients" : string.Empty));
                statements = new List<(bool Always, System.Action Emit)>();
            }
            else if (layer.HasParameters && !model.Trainable)
            {
                statements.Add((true, () => w.Line($"// {model.Name} is frozen in its declaration: no parameter gradients.")));
            }
            else if (model.Trainable && layer.BatchWideParameterGradients)
            {
                statements.Add((true, () => w.Line($"// {model.Name}'s parameter gradients: over the whole batch, in RunBackwardParameters.")));
            }
            else if (model.Trainable)
            {
                statements.Add((true, () =>
                {
                    using (w.Block($"if (p.Trains({model.TrainableIndex}))"))
                    {
                        layer.EmitBackwardParameters(w);
                    }
                }));
            }

            if (layer is ActivationEmitter { FusedInto: { } norm })
            {
                statements.Add((true, () => w.Line($"// {model.Name}'s gradient: masked by {norm.Layer.Name}'s backward sums.")));
            }
            else if (layer is ActivationEmitter { MaskedBy: { } pool })
            {
                statements.Add((true, () => w.Line($"// {model.Name}'s gradient: masked by {pool.Layer.Name}'s backward pass.")));
            }
            else if (layer is Pool2DEmitter { ReLUBefore: { } relu })
            {
                // The gradient this writes is the ReLU's input's, needed when that one is.
                statements.Add((relu.Layer.Inputs[0].GradientAlways, () => layer.EmitBackwardInput(w, 0)));
            }
            else
            {
                for (int slot = 0; slot < model.Inputs.Count; slot++)
                {
                    int current = slot;
                    statements.Add((model.Inputs[slot].GradientAlways || !layer.EmitsCode, () => layer.EmitBackwardInput(w, current)));
                }
            }

            AddLayer(layer, statements);
        }

        w.Line("/// <inheritdoc/>");
        w.Line(Optimized);
        using (w.Block($"protected override void RunBackward({Pass}, int stage)"))
        {
            EmitStages(stages.Count, "stage", stage => stages[stage].ForEach(emit => emit()));
        }

        w.Line();
        if (reductions.Count > 0)
        {
            w.Line("/// <inheritdoc/>");
            w.Line(Optimized);
            using (w.Block($"protected override void ReduceBackward({Pass}, int stage)"))
            {
                EmitStages(reductions.Count, "stage", stage => reductions[stage](), stage => reductionLabels[stage]);
            }

            w.Line();
        }

        // One layer's statements, in the current stage, grouped by condition.
        void AddLayer(LayerEmitter layer, List<(bool Always, System.Action Emit)> statements)
        {
            if (statements.Count == 0)
            {
                return;
            }

            stages[stages.Count - 1].Add(() =>
            {
                if (layer.EmitsCode)
                {
                    w.Line("// " + layer.Description);
                }

                for (int first = 0; first < statements.Count;)
                {
                    int next = first + 1;
                    while (next < statements.Count && statements[next].Always == statements[first].Always)
                    {
                        next++;
                    }

                    List<(bool Always, System.Action Emit)> group = statements.GetRange(first, next - first);
                    Guarded(statements[first].Always, () => group.ForEach(statement => statement.Emit()));
                    first = next;
                }
            });
        }

        // Writes the code unconditionally when it is always needed, else inside if (p.InputGradient).
        void Guarded(bool always, System.Action emit)
        {
            if (always)
            {
                emit();
                return;
            }

            using (w.Block("if (p.InputGradient)"))
            {
                emit();
            }
        }
    }

    /// <summary>
    /// The dense layers' parameter gradients over the whole batch, one slice of each layer's outputs per call: a
    /// weight row reads every sample once, and no per-chunk copy of the weight gradient is written and added up.
    /// </summary>
    private void EmitRunBackwardParameters()
    {
        List<LayerEmitter> layers = BatchWideGradientLayers;
        if (layers.Count == 0)
        {
            return;
        }

        SourceWriter w = _writer;
        w.Line("/// <inheritdoc/>");
        w.Line(Optimized);
        using (w.Block($"protected override void RunBackwardParameters({Pass})"))
        {
            for (int i = layers.Count - 1; i >= 0; i--)
            {
                LayerModel model = layers[i].Layer;
                w.Line($"// {model.Name}: {model.Output.Length} outputs");
                using (w.Block($"if (p.Trains({model.TrainableIndex}))"))
                {
                    layers[i].EmitBackwardParameters(w);
                }
            }
        }
    }

    /// <summary>A state_dict role as PascalCase: <c>running_mean</c> gives <c>RunningMean</c>.</summary>
    private static string Pascal(string role) => string.Concat(role.Split('_').Where(part => part.Length > 0).Select(part => char.ToUpperInvariant(part[0]) + part.Substring(1)));

    /// <summary>The last layer's activation when a loss on logits would apply it again, for the Trainer's check.</summary>
    private string OutputActivation => Last.Spec switch
    {
        SoftmaxSpec { Log: true } => "LogSoftmax",
        SoftmaxSpec => "Softmax",
        ActivationSpec { Function: ActivationFunction.Sigmoid } => "Sigmoid",
        _ => "None",
    };
}
