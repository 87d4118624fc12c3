using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticNet.Generator.Diagnostics;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Parsing;

/// <summary>What matching a network against its weights file gave: the network to emit, or the diagnostics on its Weights argument.</summary>
internal sealed record WeightsMatch(EmbeddedNetwork? Network, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>
/// Reads <c>[Network(Weights = "...")]</c>, finds the file it names among the AdditionalFiles, and
/// checks that the file holds exactly the network's tensors, each float32 with the network's shape.
/// </summary>
internal static class EmbeddedWeightsMatcher
{
    private const string WeightsProperty = nameof(NetworkAttribute.Weights);

    /// <summary>The Weights argument of the class's [Network], with its location; null when there is none.</summary>
    public static WeightsReference? ReadReference(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        try
        {
            AttributeData attribute = context.Attributes[0];
            foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
            {
                if (argument.Key != WeightsProperty || argument.Value.Kind == TypedConstantKind.Error || argument.Value.Value is not string file)
                {
                    continue;
                }

                AttributeArgumentSyntax? syntax = (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax)?
                    .ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == WeightsProperty);
                return new WeightsReference(file, LocationInfo.From(syntax));
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // An attribute the compiler could not bind: it reports that itself.
        }

        return null;
    }

    public static WeightsMatch Match(NetworkResult network, ImmutableArray<WeightsFile> files, CancellationToken cancellationToken)
    {
        NetworkModel model = network.Network!.Model;
        WeightsReference reference = network.Weights!;
        var diagnostics = new List<DiagnosticInfo>();
        WeightsMatch Failed(DiagnosticDescriptor descriptor, params object[] arguments)
        {
            diagnostics.Add(DiagnosticInfo.Create(descriptor, reference.Location, new object[] { model.ClassName }.Concat(arguments).ToArray()));
            return new WeightsMatch(null, diagnostics.ToEquatableArray());
        }

        string wanted = EmbeddedWeightsReader.Normalize(reference.File);

        // Encoded files know the path the project lists; a raw file is known by its full path only.
        List<WeightsFile> encoded = files.Where(f => f.Problem != WeightsFileProblem.NotEncoded && (f.Path == wanted || (wanted.IndexOf('/') < 0 && f.FileName == wanted))).ToList();
        List<WeightsFile> raw = files.Where(f => f.Problem == WeightsFileProblem.NotEncoded && (f.Path == wanted || f.Path.EndsWith("/" + wanted, StringComparison.Ordinal))).ToList();
        List<WeightsFile> found = encoded.Count > 0 ? encoded : raw;
        if (found.Count == 0)
        {
            string listed = files.Length == 0
                ? "the project lists no .safetensors files"
                : "the .safetensors files it lists are " + string.Join(", ", files.Select(f => "'" + f.Path + "'").Distinct().OrderBy(p => p, StringComparer.Ordinal));
            return Failed(DiagnosticDescriptors.WeightsFileNotFound, reference.File, listed);
        }

        if (found.Count > 1)
        {
            return Failed(DiagnosticDescriptors.WeightsFileAmbiguous, reference.File, found.Count, string.Join(", ", found.Select(f => "'" + f.Path + "'").OrderBy(p => p, StringComparer.Ordinal)));
        }

        WeightsFile file = found[0];
        switch (file.Problem)
        {
            case WeightsFileProblem.NotEncoded:
                return Failed(DiagnosticDescriptors.WeightsFileNotEncoded, reference.File);
            case WeightsFileProblem.Corrupt:
                return Failed(DiagnosticDescriptors.WeightsFileCorrupt, file.Path, file.Detail);
            case WeightsFileProblem.ChecksumMismatch:
                return Failed(DiagnosticDescriptors.WeightsChecksumMismatch, file.Path, file.Detail);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var byName = file.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var expected = model.Layers
            .SelectMany(l => l.Parameters.Select(t => (Tensor: t, IsState: false)).Concat(l.State.Select(t => (Tensor: t, IsState: true))))
            .ToList();
        var expectedNames = new HashSet<string>(expected.Select(e => e.Tensor.Name), StringComparer.Ordinal);

        List<string> missing = expected.Where(e => !byName.ContainsKey(e.Tensor.Name)).Select(e => e.Tensor.Name + " " + Brackets(e.Tensor.Dimensions)).ToList();
        if (missing.Count > 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsMissingTensors, reference.Location, model.ClassName, file.Path, missing.Count, string.Join(", ", missing)));
        }

        List<string> extra = file.Tensors.Where(t => !expectedNames.Contains(t.Name)).OrderBy(t => t.Name, StringComparer.Ordinal).Select(t => t.Name + " " + t.ShapeText).ToList();
        if (extra.Count > 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsExtraTensors, reference.Location, model.ClassName, file.Path, extra.Count, string.Join(", ", extra)));
        }

        var tensors = new List<EmbeddedTensor>();
        foreach ((ParameterTensor tensor, bool isState) in expected)
        {
            if (!byName.TryGetValue(tensor.Name, out SafeTensorsEntry? entry))
            {
                continue;
            }

            if (entry.Dtype != "F32")
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsDtypeMismatch, reference.Location, model.ClassName, file.Path, tensor.Name, entry.Dtype));
            }
            else if (!entry.Shape.SequenceEqual(tensor.Dimensions))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsShapeMismatch, reference.Location, model.ClassName, file.Path, tensor.Name, Brackets(tensor.Dimensions), entry.ShapeText));
            }
            else if (diagnostics.Count == 0)
            {
                string base64 = Convert.ToBase64String(file.Data.Span.Slice(entry.Begin, entry.End - entry.Begin).ToArray());
                tensors.Add(new EmbeddedTensor(tensor.Name, tensor.ShapeText, isState, tensor.Offset, tensor.Length, base64));
            }
        }

        return diagnostics.Count > 0
            ? new WeightsMatch(null, diagnostics.ToEquatableArray())
            : new WeightsMatch(new EmbeddedNetwork(model, new EmbeddedWeights(file.Path, file.Sha256, tensors.ToEquatableArray())), EquatableArray<DiagnosticInfo>.Empty);
    }

    private static string Brackets(EquatableArray<int> dimensions) => "[" + string.Join(", ", dimensions) + "]";
}
