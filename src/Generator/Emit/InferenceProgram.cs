using System.Collections.Generic;
using System.Linq;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Emit;

/// <summary>Where a tensor of the inference program lies: its per-sample workspace offset, its block of channels (1 for planes) and its zero border.</summary>
internal readonly record struct BlockedTensor(int Offset, int Block, int Border);

/// <summary>
/// The inference program, <c>RunInference</c>, planned from the whole graph:
/// <list type="bullet">
/// <item>Units of layers that run as one: a convolution or dense layer with the batch normalisation (by its running
/// estimates) and the ReLU after it folded in, when each is the only reader of the one before; a residual join with
/// its ReLU; dropout skipped, its readers reading its input.</item>
/// <item>Layouts: a convolution whose filters fill blocks of <see cref="Kernels.ChannelBlocks.Block"/> runs in blocked
/// channels, and so do the max pooling, global average pooling, joins and ReLUs that read only blocked tensors, so
/// that a run of them passes blocks from layer to layer. A blocked tensor gets the border its convolutions pad with;
/// planes a blocked convolution pads get a bordered copy; a blocked tensor that a layer on planes reads (or that is
/// the network's output) is copied back out to planes, at its usual place.</item>
/// <item>Places: blocked tensors and bordered copies live after the training layout in each sample's workspace, a
/// place reused by a tensor of its length once the tensor in it has been read for the last time.</item>
/// </list>
/// </summary>
internal sealed class InferenceProgram
{
    private readonly NetworkModel _model;
    private readonly List<LayerEmitter> _layers;
    private readonly List<Unit> _units = new();

    // A skipped layer's output, and the tensor its readers read instead.
    private readonly Dictionary<int, int> _alias = new();

    // The blocked output of a unit, by the offset its last layer's output has in training (which names it), and the
    // bordered copies of planes, by the planes' offset.
    private readonly Dictionary<int, BlockedTensor> _blocked = new();
    private readonly Dictionary<int, BlockedTensor> _padded = new();

    // Blocked outputs that are also copied out to planes.
    private readonly HashSet<int> _toPlanes = new();

    public InferenceProgram(NetworkModel model, List<LayerEmitter> layers)
    {
        _model = model;
        _layers = layers;
        FormUnits();
        int end = Place(Borders());
        WorkspaceLength = System.Math.Max(model.WorkspaceLength, end);
    }

    /// <summary>Floats of workspace a sample needs: the training layout's, and after it the blocked tensors' places.</summary>
    public int WorkspaceLength { get; }

    private enum Kind
    {
        /// <summary>On planes, as forward runs it.</summary>
        Planes,

        /// <summary>A skipped dropout.</summary>
        Skipped,

        /// <summary>A convolution into blocks, from blocks or planes.</summary>
        Convolution,

        /// <summary>Blocks to blocks: max pooling, a join, a ReLU.</summary>
        Blocks,

        /// <summary>Blocks to a flat output: global average pooling.</summary>
        Average,
    }

    /// <summary>Writes <c>RunInference</c>'s statements.</summary>
    public void EmitRun(SourceWriter w)
    {
        EmitPadding(w, 0);
        foreach (Unit unit in _units)
        {
            EmitUnit(w, unit);
            if (unit.WritesBlocks && _toPlanes.Contains(unit.Output))
            {
                LayerModel last = _model.Layers[unit.Last];
                w.Line($"// {last.Name}'s output as planes, for the layers that read planes");
                LayerEmitter.EmitCall(
                    w,
                    "BlocksToPlanes",
                    new[] { LayerEmitter.Arg("output", unit.Output), LayerEmitter.Arg("input", _blocked[unit.Output].Offset) },
                    LayerEmitter.Sizes(("channels", last.Output.Channels), ("height", last.Output.Height), ("width", last.Output.Width), ("inputBorder", _blocked[unit.Output].Border)));
            }

            if (!unit.WritesBlocks && unit.Layer.EmitsCode)
            {
                EmitPadding(w, unit.Output);
            }
        }
    }

    /// <summary>Splits the layers into units and picks each unit's layout, first to last, so that every unit's inputs are decided before it.</summary>
    private void FormUnits()
    {
        int last = _layers.Count - 1;
        for (int i = 0; i <= last; i++)
        {
            LayerEmitter layer = _layers[i];
            LayerModel model = layer.Layer;
            if (model.Spec is DropoutSpec && i < last)
            {
                _alias[model.OutputOffset] = Resolve(model.InputOffset);
                Add(new Unit(layer, i, null, false, Kind.Skipped, new int[0]));
                continue;
            }

            int[] inputs = model.Inputs.Select(input => Resolve(input.Offset)).ToArray();
            bool blockedInputs = inputs.All(_blocked.ContainsKey);
            if (layer is Conv2DEmitter or DenseEmitter or BatchNormEmitter)
            {
                int end = i;
                BatchNormEmitter? norm = null;
                if (layer is not BatchNormEmitter && _model.ReadsAlone(i, i + 1) && _layers[i + 1] is BatchNormEmitter next && ((BatchNormSpec)next.Layer.Spec).IsImage == (layer is Conv2DEmitter))
                {
                    norm = next;
                    end = i + 1;
                }

                bool relu = _model.ReadsAlone(end, end + 1) && _layers[end + 1] is ActivationEmitter { IsReLU: true };
                end += relu ? 1 : 0;
                bool blocked = layer is Conv2DEmitter { RunsBlocked: true };
                i = Add(new Unit(layer, end, norm, relu, blocked ? Kind.Convolution : Kind.Planes, inputs));
                continue;
            }

            Kind kind = layer switch
            {
                Pool2DEmitter { RunsBlocked: true } or ActivationEmitter { IsReLU: true } or AddEmitter when blockedInputs => Kind.Blocks,
                GlobalAvgPool2DEmitter when blockedInputs => Kind.Average,
                _ => Kind.Planes,
            };

            // A blocked join takes the ReLU that alone reads it.
            bool joinRelu = kind == Kind.Blocks && layer is AddEmitter && _model.ReadsAlone(i, i + 1) && _layers[i + 1] is ActivationEmitter { IsReLU: true };
            i = Add(new Unit(layer, i + (joinRelu ? 1 : 0), null, joinRelu, kind, inputs));
        }
    }

    /// <summary>Adds a unit, a blocked output's place to come; returns its last layer's index.</summary>
    private int Add(Unit unit)
    {
        unit.Output = _model.Layers[unit.Last].OutputOffset;
        if (unit.WritesBlocks)
        {
            _blocked[unit.Output] = new BlockedTensor(-1, Kernels.ChannelBlocks.Block, 0);
        }

        _units.Add(unit);
        return unit.Last;
    }

    /// <summary>
    /// Each blocked tensor's border (the widest padding of the convolutions that read it), the planes that blocked
    /// convolutions pad (with theirs), and the blocked tensors that must also be planes; then each tensor to place,
    /// with the units that write it first and read it last.
    /// </summary>
    private List<(int Key, bool Padded, int Length, int First, int LastRead)> Borders()
    {
        var borders = new Dictionary<int, int>();
        var padding = new Dictionary<int, int>();
        var lastRead = new Dictionary<int, int>();
        for (int u = 0; u < _units.Count; u++)
        {
            Unit unit = _units[u];
            foreach (int input in unit.Inputs)
            {
                lastRead[input] = u;
                bool blocked = _blocked.ContainsKey(input);
                if (unit.Layer is Conv2DEmitter { RunsBlocked: true } conv && unit.Kind == Kind.Convolution)
                {
                    Dictionary<int, int> needs = blocked ? borders : padding;
                    needs[input] = System.Math.Max(needs.TryGetValue(input, out int border) ? border : 0, conv.Padding);
                }
                else if (blocked && unit.Kind is Kind.Planes)
                {
                    _toPlanes.Add(input);
                }
            }
        }

        int output = _model.Layers[_model.Layers.Count - 1].OutputOffset;
        if (_blocked.ContainsKey(output))
        {
            _toPlanes.Add(output);
        }

        var tensors = new List<(int Key, bool Padded, int Length, int First, int LastRead)>();
        for (int u = 0; u < _units.Count; u++)
        {
            Unit unit = _units[u];
            if (unit.WritesBlocks)
            {
                int border = borders.TryGetValue(unit.Output, out int b) ? b : 0;
                _blocked[unit.Output] = new BlockedTensor(-1, Kernels.ChannelBlocks.Block, border);
                tensors.Add((unit.Output, false, Length(_model.Layers[unit.Last].Output, border), u, lastRead.TryGetValue(unit.Output, out int r) ? r : u));
            }
        }

        foreach (KeyValuePair<int, int> planes in padding.Where(p => p.Value > 0))
        {
            int producer = Producer(planes.Key);
            _padded[planes.Key] = new BlockedTensor(-1, 1, planes.Value);
            tensors.Add((planes.Key, true, Length(ShapeOf(producer), planes.Value), producer, lastRead[planes.Key]));
        }

        return tensors;
    }

    /// <summary>
    /// Places the tensors after the training layout; returns the end of the last place. A place is reused only by a
    /// tensor as long as the one it held, once that one has been read for the last time: the workspace holds a tensor
    /// sample after sample, and the chunks of a batch run the program unsynchronised, so a chunk still reading an
    /// earlier tensor of another length would find a later chunk's samples written across its own.
    /// </summary>
    private int Place(List<(int Key, bool Padded, int Length, int First, int LastRead)> tensors)
    {
        var places = new List<(int Offset, int Length, int LastRead)>();
        int end = _model.WorkspaceLength;
        foreach ((int key, bool isPadded, int length, int first, int lastRead) in tensors.OrderBy(t => t.First))
        {
            int reused = places.FindIndex(p => p.Length == length && p.LastRead < first);
            int offset = reused >= 0 ? places[reused].Offset : end;
            if (reused >= 0)
            {
                places[reused] = (offset, length, lastRead);
            }
            else
            {
                places.Add((offset, length, lastRead));
                end += length;
            }

            Dictionary<int, BlockedTensor> tensorsOfKind = isPadded ? _padded : _blocked;
            tensorsOfKind[key] = tensorsOfKind[key] with { Offset = offset };
        }

        return end;
    }

    /// <summary>The unit that writes the planes at <paramref name="planes"/>, or -1 for the network's input, written before every unit.</summary>
    private int Producer(int planes) => _units.FindIndex(u => u.Output == planes);

    /// <summary>The shape of what unit <paramref name="producer"/> writes (-1: the network's input).</summary>
    private Shape ShapeOf(int producer) => producer < 0 ? _model.Input : _model.Layers[_units[producer].Last].Output;

    private static int Length(Shape shape, int border) => shape.Channels * (shape.Height + (2 * border)) * (shape.Width + (2 * border));

    /// <summary>The tensor a unit's <paramref name="slot"/>-th input is read from: its blocks, its bordered copy, or the planes themselves.</summary>
    private BlockedTensor InputOf(Unit unit, int slot)
    {
        int input = unit.Inputs[slot];
        return _blocked.TryGetValue(input, out BlockedTensor blocked) ? blocked
            : unit.Kind == Kind.Convolution && _padded.TryGetValue(input, out BlockedTensor padded) ? padded
            : new BlockedTensor(input, 1, 0);
    }

    private void EmitPadding(SourceWriter w, int planes)
    {
        if (!_padded.TryGetValue(planes, out BlockedTensor padded))
        {
            return;
        }

        int producer = Producer(planes);
        Shape shape = ShapeOf(producer);
        w.Line($"// {(producer < 0 ? "The input" : _model.Layers[_units[producer].Last].Name + "'s output")} with a border of {padded.Border}, for the blocked convolutions that pad it");
        LayerEmitter.EmitCall(
            w,
            "PadPlanes",
            new[] { LayerEmitter.Arg("output", padded.Offset), LayerEmitter.Arg("input", planes) },
            LayerEmitter.Sizes(("channels", shape.Channels), ("height", shape.Height), ("width", shape.Width), ("border", padded.Border)));
    }

    private void EmitUnit(SourceWriter w, Unit unit)
    {
        LayerEmitter layer = unit.Layer;
        LayerModel model = layer.Layer;
        if (unit.Kind == Kind.Skipped)
        {
            w.Line($"// {model.Name}: {model.Spec.Kind}, the identity in inference: the layers after it read its input.");
            return;
        }

        int first = _layers.IndexOf(layer);
        string blocks = unit.Kind == Kind.Planes ? string.Empty : ", in blocked channels";
        for (int k = first; k <= unit.Last && layer.EmitsCode; k++)
        {
            w.Line("// " + _layers[k].Description + (k == first ? blocks : ", folded into " + model.Name));
        }

        string input = LayerEmitter.Arg("input", unit.Inputs.Length > 0 ? unit.Inputs[0] : 0);
        switch (unit.Kind)
        {
            case Kind.Convolution:
                ((Conv2DEmitter)layer).EmitBlocked(w, InputOf(unit, 0), _blocked[unit.Output], unit.Norm, unit.Relu);
                return;
            case Kind.Average:
                ((GlobalAvgPool2DEmitter)layer).EmitBlocked(w, InputOf(unit, 0));
                return;
            case Kind.Blocks:
                switch (layer)
                {
                    case Pool2DEmitter pool:
                        pool.EmitBlocked(w, InputOf(unit, 0), _blocked[unit.Output]);
                        break;
                    case AddEmitter join:
                        join.EmitBlocked(w, InputOf(unit, 0), InputOf(unit, 1), _blocked[unit.Output], unit.Relu);
                        break;
                    default:
                        ((ActivationEmitter)layer).EmitBlocked(w, InputOf(unit, 0), _blocked[unit.Output]);
                        break;
                }

                return;
        }

        // On planes: a folded unit, or the layer as forward runs it, reading past skipped layers.
        switch (layer)
        {
            case Conv2DEmitter conv when unit.Norm is not null || unit.Relu:
                conv.EmitFolded(w, input, unit.Norm, unit.Relu, unit.Output);
                break;
            case DenseEmitter dense when unit.Norm is not null || unit.Relu:
                dense.EmitFolded(w, input, unit.Norm, unit.Relu, unit.Output);
                break;
            case BatchNormEmitter norm:
                norm.EmitInference(w, input, unit.Relu, unit.Output);
                break;
            default:
                layer.EmitInference(w, Resolve);
                break;
        }
    }

    /// <summary>The tensor read in place of <paramref name="offset"/>: past skipped layers.</summary>
    private int Resolve(int offset) => _alias.TryGetValue(offset, out int source) ? source : offset;

    /// <summary>Layers that run as one, from <see cref="Layer"/> to <see cref="Last"/>.</summary>
    private sealed class Unit
    {
        public Unit(LayerEmitter layer, int last, BatchNormEmitter? norm, bool relu, Kind kind, int[] inputs)
        {
            Layer = layer;
            Last = last;
            Norm = norm;
            Relu = relu;
            Kind = kind;
            Inputs = inputs;
        }

        public LayerEmitter Layer { get; }

        public int Last { get; }

        public BatchNormEmitter? Norm { get; }

        public bool Relu { get; }

        public Kind Kind { get; }

        /// <summary>The tensors it reads, past skipped layers, each named by its training offset.</summary>
        public int[] Inputs { get; }

        /// <summary>Its last layer's training offset, which names its output (a skipped dropout's, which nothing reads).</summary>
        public int Output { get; set; }

        /// <summary>Whether its output is blocked. (A flatten's output is its input under another shape, never blocked: a blocked input is copied out to planes for it.)</summary>
        public bool WritesBlocks => Kind is Kind.Convolution or Kind.Blocks;
    }
}
