using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using StaticNet.Generator.Diagnostics;
using StaticNet.Generator.Model;
using StaticNet.Generator.Parsing;

namespace StaticNet.Generator.Shapes;

/// <summary>
/// Resolves a declaration into a <see cref="NetworkModel"/>: which value each layer reads (the layer
/// before it, or the one named by <c>From</c> and <c>Add</c>), each layer's output shape, its parameter
/// and state tensors with their offsets, and its place in the per-sample activation workspace. A pure
/// function of the spec: shape errors become diagnostics, never exceptions.
/// </summary>
/// <remarks>
/// Layers form a directed acyclic graph whose order is the declaration order (a layer reads only
/// values of layers declared before it). Value 0 is the network input and value <c>i + 1</c> the
/// output of layer <c>i</c>. Backward runs the layers in reverse order, so every reader of a value runs
/// before the value's producer. Each reader writes the gradient of the value with <c>=</c> into a
/// buffer of its own: the first reader into the value's gradient buffer, the others into extra
/// buffers, which are added into the first just before the producer's backward.
/// </remarks>
internal static class NetworkPlanner
{
    /// <param name="spec">The declaration, names assigned and arguments checked.</param>
    /// <param name="sites">Where each layer and its arguments are written, for diagnostics.</param>
    /// <param name="diagnostics">Receives every problem found.</param>
    /// <param name="outputArgument">Where <c>[Network(Output = ...)]</c> is written, for a sequence output of the wrong shape.</param>
    public static NetworkModel? Plan(NetworkSpec spec, IReadOnlyList<AttributeSite> sites, List<DiagnosticInfo> diagnostics, LocationInfo? outputArgument = null)
    {
        int count = spec.Layers.Count;
        int[][]? reads = ResolveReads(spec, sites, diagnostics);
        if (reads is null || !AllOutputsUsed(spec, reads, sites, diagnostics))
        {
            return null;
        }

        // Who reads each value, in declaration order: (layer, input slot).
        var readers = new List<(int Layer, int Slot)>[count + 1];
        for (int v = 0; v <= count; v++)
        {
            readers[v] = new List<(int, int)>();
        }

        for (int i = 0; i < count; i++)
        {
            for (int slot = 0; slot < reads[i].Length; slot++)
            {
                readers[reads[i][slot]].Add((i, slot));
            }
        }

        var workspace = new Allocator();
        var fixedRegion = new Allocator();
        var shapes = new Shape[count + 1];
        var offsets = new int[count + 1];
        var gradientOffsets = new int[count + 1];
        var extraGradients = new List<int>[count + 1];
        var edgeGradients = new Dictionary<(int Layer, int Slot), int>();

        // Names already taken among the constants classes: "layers" must not give a second Layers (nor LayerConstants, its
        // name in a network called Layers); "run" keeps the Run_2 it has always been given.
        var classNames = new HashSet<string> { "Run", "Layers", "LayerConstants" };

        // Gives each reader of value v its gradient buffer: the value's own for the first, a new one for each other.
        void AssignGradients(int v)
        {
            extraGradients[v] = new List<int>();
            for (int k = 0; k < readers[v].Count; k++)
            {
                int offset = k == 0 ? gradientOffsets[v] : workspace.Allocate(shapes[v].Length);
                if (k > 0)
                {
                    extraGradients[v].Add(offset);
                }

                edgeGradients[readers[v][k]] = offset;
            }
        }

        // The network input is the first buffer in the workspace; its gradient is where Backward
        // writes the gradient of the input, when the caller asks for it.
        shapes[0] = spec.Input;
        offsets[0] = workspace.Allocate(spec.Input.Length);
        gradientOffsets[0] = workspace.Allocate(spec.Input.Length);
        AssignGradients(0);

        long parameterCount = 0, stateCount = 0;
        var resolvedLayers = new (LayerShape Shape, List<ParameterTensor> Parameters, List<ParameterTensor> State, int Scratch, int Fixed)[count];
        for (int i = 0; i < count; i++)
        {
            LayerSpec layer = spec.Layers[i];
            LocationInfo? location = sites[i].Attribute;
            if (layer is SoftmaxSpec && i < count - 1)
            {
                LayerSpec next = spec.Layers[i + 1];
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SoftmaxNotLast, location, layer.Kind, layer.Name, next.Kind, next.Name));
                return null;
            }

            int input = reads[i][0];
            var joined = reads[i].Skip(1).Select(v => (ProducerName(spec, v), shapes[v])).ToList();
            LayerShape? resolved = LayerShapes.Resolve(layer, shapes[input], ProducerName(spec, input), location, diagnostics, joined);
            if (resolved is null)
            {
                return null;
            }

            if (layer is AddSpec && shapes[reads[i][1]] != shapes[input])
            {
                int shortcut = reads[i][1];
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.ResidualShapeMismatch,
                    location,
                    layer.Name,
                    ProducerName(spec, shortcut),
                    shapes[shortcut],
                    ProducerName(spec, input),
                    shapes[input],
                    MismatchHint(shapes[shortcut], shapes[input], ProducerName(spec, shortcut))));
                return null;
            }

            var parameters = new List<ParameterTensor>();
            foreach (ParameterShape parameter in resolved.Parameters)
            {
                if (!AddTensor(parameters, ref parameterCount, layer, parameter, Initialization.Resolve(layer, parameter), "the parameter buffer", location, diagnostics))
                {
                    return null;
                }
            }

            var state = new List<ParameterTensor>();
            foreach (ParameterShape tensor in resolved.State)
            {
                if (!AddTensor(state, ref stateCount, layer, tensor, Initialization.State(tensor.Role), "the state buffer", location, diagnostics))
                {
                    return null;
                }
            }

            // A Flatten only reinterprets its input, so it shares the input's buffers.
            int value = i + 1;
            shapes[value] = resolved.Output;
            if (layer is FlattenSpec)
            {
                offsets[value] = offsets[input];
                gradientOffsets[value] = edgeGradients[(i, 0)];
            }
            else
            {
                offsets[value] = workspace.Allocate(resolved.Output.Length);
                gradientOffsets[value] = workspace.Allocate(resolved.Output.Length);
            }

            AssignGradients(value);
            int scratchOffset = workspace.Allocate(resolved.ScratchLength);
            int fixedOffset = fixedRegion.Allocate(resolved.FixedLength);
            if (workspace.Overflowed || fixedRegion.Overflowed)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkTooLarge, location, layer.Kind, layer.Name, "the per-sample workspace", workspace.Length + fixedRegion.Length, int.MaxValue));
                return null;
            }

            resolvedLayers[i] = (resolved, parameters, state, scratchOffset, fixedOffset);
        }

        // Whether the gradient of each value is needed whatever the caller asks: it is when a layer
        // with trainable parameters produced it or lies upstream of it.
        var gradientAlways = new bool[count + 1];
        int trainable = 0;
        var trainableIndex = new int[count];
        for (int i = 0; i < count; i++)
        {
            bool hasTrainable = resolvedLayers[i].Parameters.Count > 0 && !spec.Layers[i].Frozen;
            trainableIndex[i] = hasTrainable ? trainable++ : -1;
            gradientAlways[i + 1] = hasTrainable || reads[i].Any(v => gradientAlways[v]);
        }

        var layers = new List<LayerModel>();
        for (int i = 0; i < count; i++)
        {
            LayerSpec layer = spec.Layers[i];
            (LayerShape resolved, List<ParameterTensor> parameters, List<ParameterTensor> state, int scratch, int fixedOffset) = resolvedLayers[i];
            var inputs = new List<LayerInput>();
            for (int slot = 0; slot < reads[i].Length; slot++)
            {
                int v = reads[i][slot];
                inputs.Add(new LayerInput(ProducerName(spec, v), shapes[v], offsets[v], edgeGradients[(i, slot)], gradientAlways[v]));
            }

            layers.Add(new LayerModel(
                layer,
                UniqueClassName(layer.Name, classNames),
                inputs.ToEquatableArray(),
                resolved.Output,
                offsets[i + 1],
                gradientOffsets[i + 1],
                gradientAlways[i + 1],
                extraGradients[i + 1].ToEquatableArray(),
                scratch,
                resolved.ScratchLength,
                fixedOffset,
                resolved.FixedLength,
                parameters.ToEquatableArray(),
                state.ToEquatableArray(),
                trainableIndex[i]));
        }

        // A sequence output is read as [classes, 1, steps]: one row, each column a step's class scores.
        Shape output = layers[count - 1].Output;
        if (spec.SequenceOutput && (output.IsFlat || output.Height != 1))
        {
            string hint = output.IsFlat
                ? "a flat output has no steps; keep the image and reduce its height to 1 instead of flattening it"
                : FormattableString.Invariant($"bring the height from {output.Height} to 1, with a convolution or pooling over the whole height (e.g. KernelHeight = {output.Height}), so that the {output.Width} columns are the steps");
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SequenceOutputShape, outputArgument, spec.ClassName, layers[count - 1].Name, output, hint));
            return null;
        }

        return new NetworkModel(spec.Namespace, spec.ClassName, spec.Input, layers.ToEquatableArray(), (int)parameterCount, (int)stateCount, (int)workspace.Length, (int)fixedRegion.Length)
        {
            SequenceOutput = spec.SequenceOutput,
        };
    }

    /// <summary>
    /// The values each layer reads: its input (the previous layer's output, or <c>From</c>'s) and the
    /// layers it names (an <c>Add</c>'s shortcut, a <c>Concat</c>'s other inputs). Reports each name that
    /// is not a layer declared before.
    /// </summary>
    private static int[][]? ResolveReads(NetworkSpec spec, IReadOnlyList<AttributeSite> sites, List<DiagnosticInfo> diagnostics)
    {
        var reads = new int[spec.Layers.Count][];
        var earlier = new Dictionary<string, int>(System.StringComparer.Ordinal);
        bool valid = true;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            LayerSpec layer = spec.Layers[i];
            int? Find(string name, string where, LocationInfo? at)
            {
                if (earlier.TryGetValue(name, out int index))
                {
                    return index + 1;
                }

                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownLayerReference, at, layer.Kind, layer.Name, name, where, ReferenceHint(spec, i, name)));
                valid = false;
                return null;
            }

            int input = layer.From.Length == 0 ? i : Find(layer.From, "From", sites[i].Named("From")) ?? 0;
            reads[i] = new int[1 + layer.References.Count];
            reads[i][0] = input;
            for (int k = 0; k < layer.References.Count; k++)
            {
                reads[i][k + 1] = Find(layer.References[k], layer.Kind, sites[i].Positional(k)) ?? 0;
            }

            earlier[layer.Name] = i;
        }

        return valid ? reads : null;
    }

    private static string ReferenceHint(NetworkSpec spec, int index, string name)
    {
        for (int j = index; j < spec.Layers.Count; j++)
        {
            if (spec.Layers[j].Name == name)
            {
                return j == index
                    ? "a layer cannot use its own output"
                    : "it is declared after this layer, and a layer can use only the outputs of layers declared before it";
            }
        }

        if (name == "input")
        {
            return "the network input cannot be referenced; start the shared path with a layer of its own";
        }

        var names = spec.Layers.Take(index).Select(l => "'" + l.Name + "'").ToList();
        return names.Count == 0
            ? "no layer is declared before it"
            : "the layers before it are " + string.Join(", ", names.Count <= 12 ? names : names.Take(12).Concat(new[] { "..." }));
    }

    /// <summary>Reports each layer but the last whose output no layer reads: its work would be wasted, and it is most likely a misspelt name.</summary>
    private static bool AllOutputsUsed(NetworkSpec spec, int[][] reads, IReadOnlyList<AttributeSite> sites, List<DiagnosticInfo> diagnostics)
    {
        var used = new bool[spec.Layers.Count + 1];
        foreach (int[] values in reads)
        {
            foreach (int v in values)
            {
                used[v] = true;
            }
        }

        bool valid = true;
        for (int i = 0; i < spec.Layers.Count - 1; i++)
        {
            if (!used[i + 1])
            {
                LayerSpec next = spec.Layers[i + 1];
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnusedLayerOutput, sites[i].Attribute, spec.Layers[i].Kind, spec.Layers[i].Name, next.From));
                valid = false;
            }
        }

        return valid;
    }

    private static string MismatchHint(Shape shortcut, Shape main, string shortcutName)
    {
        if (!shortcut.IsFlat && !main.IsFlat && main.Height > 0 && shortcut.Height % main.Height == 0 && shortcut.Width % main.Width == 0
            && shortcut.Height / main.Height == shortcut.Width / main.Width)
        {
            int stride = shortcut.Height / main.Height;
            return string.Format(
                CultureInfo.InvariantCulture,
                "project the shortcut first, e.g. [Conv2D({0}, 1, Stride = {1}, Bias = false, From = \"{2}\"), BatchNorm2D] before the Add, and add its output instead",
                main.Channels,
                stride,
                shortcutName);
        }

        return "a residual connection adds values of the same shape";
    }

    private static string ProducerName(NetworkSpec spec, int value) => value == 0 ? "input" : spec.Layers[value - 1].Name;

    private static bool AddTensor(List<ParameterTensor> tensors, ref long total, LayerSpec layer, ParameterShape shape, TensorInit init, string buffer, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        long length = shape.Length;
        if (total + length > int.MaxValue)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkTooLarge, location, layer.Kind, layer.Name, buffer, total + length, int.MaxValue));
            return false;
        }

        tensors.Add(new ParameterTensor(
            layer.Name + "." + shape.Role,
            shape.Dimensions.Select(size => (int)size).ToEquatableArray(),
            (int)total,
            (int)length,
            init));
        total += length;
        return true;
    }

    /// <summary>A PascalCase constants-class name from a layer name (<c>conv1</c> gives <c>Conv1</c>), unique within the network.</summary>
    private static string UniqueClassName(string layerName, HashSet<string> used)
    {
        var builder = new StringBuilder();
        bool upper = true;
        foreach (char c in layerName)
        {
            if (c == '_')
            {
                upper = true;
                continue;
            }

            builder.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }

        string stem = builder.ToString();
        string candidate = stem;
        for (int suffix = 2; !used.Add(candidate); suffix++)
        {
            candidate = stem + "_" + suffix.ToString(CultureInfo.InvariantCulture);
        }

        return candidate;
    }

    /// <summary>Hands out consecutive regions of a buffer, noting when the total passes what an int can index.</summary>
    private sealed class Allocator
    {
        public long Length { get; private set; }

        public bool Overflowed => Length > int.MaxValue;

        public int Allocate(long length)
        {
            long offset = Length;
            Length += length;
            return Overflowed ? 0 : (int)offset;
        }
    }
}
