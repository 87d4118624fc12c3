using System.Collections.Generic;
using System.Globalization;
using System.Text;
using StaticNet.Generator.Diagnostics;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Shapes;

/// <summary>
/// Resolves a declaration into a <see cref="NetworkModel"/>: each layer's output shape, its parameter
/// tensors and their offsets in the flat parameter buffer, and its place in the per-sample
/// activation workspace. A pure function of the spec: shape errors become diagnostics, never exceptions.
/// </summary>
internal static class NetworkPlanner
{
    public static NetworkModel? Plan(NetworkSpec spec, IReadOnlyList<LocationInfo?> layerLocations, List<DiagnosticInfo> diagnostics)
    {
        var workspace = new WorkspaceAllocator();
        var layers = new List<LayerModel>();
        // Stems the generated class already uses: a layer named "run" must not give RunForward, nor "layers" a second Layers.
        var methodNames = new HashSet<string> { "Run", "Layers", "LayerConstants" };

        // The network input is the first buffer in the workspace; its gradient is where Backward
        // writes the gradient of the input, when the caller asks for it.
        int inputOffset = workspace.Allocate(spec.Input.Length);
        int inputGradientOffset = workspace.Allocate(spec.Input.Length);
        Shape shape = spec.Input;
        string producer = "input";
        long parameterCount = 0;

        for (int i = 0; i < spec.Layers.Count; i++)
        {
            LayerSpec layer = spec.Layers[i];
            LocationInfo? location = layerLocations[i];
            if (layer is SoftmaxSpec && i < spec.Layers.Count - 1)
            {
                LayerSpec next = spec.Layers[i + 1];
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SoftmaxNotLast, location, layer.Name, next.Kind, next.Name));
                return null;
            }

            LayerShape? resolved = LayerShapes.Resolve(layer, shape, producer, location, diagnostics);
            if (resolved is null)
            {
                return null;
            }

            Shape output = resolved.Output;
            var parameters = new List<ParameterTensor>();
            foreach (ParameterShape parameter in resolved.Parameters)
            {
                long length = parameter.Length;
                if (parameterCount + length > int.MaxValue)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkTooLarge, location, layer.Kind, layer.Name, "the parameter buffer", parameterCount + length, int.MaxValue));
                    return null;
                }

                parameters.Add(new ParameterTensor(
                    layer.Name + "." + parameter.Role,
                    System.Linq.Enumerable.Select(parameter.Dimensions, size => (int)size).ToEquatableArray(),
                    (int)parameterCount,
                    (int)length,
                    (int)parameter.FanIn));
                parameterCount += length;
            }

            // A Flatten only reinterprets its input, so it shares the input's buffers.
            bool aliasesInput = layer is FlattenSpec;
            int outputOffset = aliasesInput ? inputOffset : workspace.Allocate(output.Length);
            int outputGradientOffset = aliasesInput ? inputGradientOffset : workspace.Allocate(output.Length);
            int scratchOffset = workspace.Allocate(resolved.ScratchLength);
            if (workspace.Overflowed)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkTooLarge, location, layer.Kind, layer.Name, "the per-sample workspace", workspace.Length, int.MaxValue));
                return null;
            }

            layers.Add(new LayerModel(
                layer,
                UniqueMethodName(layer.Name, methodNames),
                shape,
                output,
                inputOffset,
                inputGradientOffset,
                outputOffset,
                outputGradientOffset,
                scratchOffset,
                resolved.ScratchLength,
                parameters.ToEquatableArray()));

            shape = output;
            producer = layer.Name;
            inputOffset = outputOffset;
            inputGradientOffset = outputGradientOffset;
        }

        return new NetworkModel(spec.Namespace, spec.ClassName, spec.Input, layers.ToEquatableArray(), (int)parameterCount, (int)workspace.Length);
    }

    /// <summary>A PascalCase method-name stem from a layer name (<c>conv1</c> gives <c>Conv1</c>), unique within the class.</summary>
    private static string UniqueMethodName(string layerName, HashSet<string> used)
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

    /// <summary>Hands out consecutive per-sample regions of the workspace, noting when the total passes what an int can index.</summary>
    private sealed class WorkspaceAllocator
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
