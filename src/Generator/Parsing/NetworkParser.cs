using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticNet.Generator.Diagnostics;
using StaticNet.Generator.Model;
using StaticNet.Generator.Shapes;

namespace StaticNet.Generator.Parsing;

/// <summary>
/// Reads a <c>[Network]</c> class into a <see cref="NetworkSpec"/>, validates the declaration, and
/// resolves shapes through <see cref="NetworkPlanner"/>. All symbol and syntax access of the generator
/// happens here; everything after works on plain values.
/// </summary>
internal static class NetworkParser
{
    private const string InputAttributeName = "StaticNet.InputAttribute";

    public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var type = (INamedTypeSymbol)context.TargetSymbol;
        LocationInfo? networkLocation = LocationInfo.From(context.Attributes[0].ApplicationSyntaxReference?.GetSyntax(cancellationToken));
        try
        {
            return ParseCore(context, type, networkLocation, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The generator must never throw: an unexpected failure becomes a diagnostic on the declaration.
            var diagnostic = DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, networkLocation, type.Name, exception.GetType().Name + ": " + exception.Message);
            return new ParseResult(null, new[] { diagnostic }.ToEquatableArray(), type.Name, networkLocation);
        }
    }

    private static ParseResult ParseCore(GeneratorAttributeSyntaxContext context, INamedTypeSymbol type, LocationInfo? networkLocation, CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        ParseResult Result(NetworkModel? model) => new(model, diagnostics.ToEquatableArray(), type.Name, networkLocation);

        var declaration = (TypeDeclarationSyntax)context.TargetNode;
        if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkMustBePartial, networkLocation, type.Name));
        }

        string? unsupported = type.IsGenericType ? "generic"
            : type.IsRecord ? "a record"
            : type.ContainingType is not null ? "nested in " + type.ContainingType.Name
            : type.IsStatic ? "static"
            : null;
        if (unsupported is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedNetworkClass, networkLocation, type.Name, unsupported));
        }

        // Attributes in source order: the order of layers is the order they are written in.
        var attributes = type.GetAttributes()
            .Select(attribute => (Data: attribute, Syntax: attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax))
            .Where(pair => pair.Syntax is not null && pair.Data.AttributeClass is not null)
            .OrderBy(pair => pair.Syntax!.SyntaxTree.FilePath, StringComparer.Ordinal)
            .ThenBy(pair => pair.Syntax!.SpanStart)
            .ToList();

        Shape? input = null;
        var layers = new List<LayerSpec>();
        var layerLocations = new List<LocationInfo?>();
        var prefixes = new List<string>();
        var settings = new List<IReadOnlyCollection<string>>();
        var declarationsWithLayers = new HashSet<SyntaxNode> { declaration };
        bool unreadable = false;

        foreach ((AttributeData data, AttributeSyntax? syntax) in attributes)
        {
            string metadataName = data.AttributeClass!.ToDisplayString();
            if (metadataName == InputAttributeName)
            {
                input = ReadInput(data, LocationInfo.From(syntax), type.Name, diagnostics);
                unreadable |= input is null;
                declarationsWithLayers.Add(syntax!.Parent!.Parent!);
            }
            else if (LayerReader.IsLayerAttribute(metadataName))
            {
                LayerSpec? layer = LayerReader.Read(metadataName, data);
                if (layer is null)
                {
                    unreadable = true;
                    continue;
                }

                layers.Add(layer);
                layerLocations.Add(LocationInfo.From(syntax));
                prefixes.Add(LayerReader.DefaultPrefix(metadataName));
                settings.Add(LayerReader.ExplicitSettings(data));
                declarationsWithLayers.Add(syntax!.Parent!.Parent!);
            }
        }

        if (declarationsWithLayers.Count > 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayersOnSeveralDeclarations, networkLocation, type.Name));
        }

        if (input is null && !unreadable && !diagnostics.Any(d => d.Descriptor == DiagnosticDescriptors.InvalidInputShape))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingInput, networkLocation, type.Name));
        }

        if (layers.Count == 0 && !unreadable)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoLayers, networkLocation, type.Name));
        }

        AssignNames(layers, layerLocations, prefixes, diagnostics);
        for (int i = 0; i < layers.Count; i++)
        {
            LayerValidator.Validate(layers[i], settings[i], layerLocations[i], diagnostics);
        }

        // Attributes the compiler could not bind are errors it reports itself; generating code from them would only add noise.
        if (unreadable || diagnostics.Count > 0 || input is null)
        {
            return Result(null);
        }

        // Namespaces and names as C# must spell them: a keyword used as a name keeps its '@'.
        var spec = new NetworkSpec(
            type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat.WithMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers)),
            type.Name,
            input.Value,
            layers.ToEquatableArray());
        NetworkModel? model = NetworkPlanner.Plan(spec, layerLocations, diagnostics);
        return Result(diagnostics.Count == 0 ? model : null);
    }

    private static Shape? ReadInput(AttributeData data, LocationInfo? location, string className, List<DiagnosticInfo> diagnostics)
    {
        ImmutableArray<TypedConstant> arguments = data.ConstructorArguments;
        if (data.AttributeConstructor is null || arguments.Any(a => a.Kind == TypedConstantKind.Error || a.Value is not int))
        {
            return null;
        }

        int[] sizes = arguments.Select(a => (int)a.Value!).ToArray();
        if (sizes.Any(size => size < 1))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidInputShape, location, className, "(" + string.Join(", ", sizes) + ")"));
            return null;
        }

        if ((long)sizes.Aggregate(1L, (product, size) => product * size) > int.MaxValue)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkTooLarge, location, "Input", className, "the input", sizes.Aggregate(1L, (p, s) => p * s), int.MaxValue));
            return null;
        }

        return sizes.Length == 1 ? Shape.Flat(sizes[0]) : Shape.Image(sizes[0], sizes[1], sizes[2]);
    }

    /// <summary>
    /// Gives every unnamed layer its default name (prefix plus its 1-based position among layers with
    /// that prefix, counting named ones too, so naming one layer never renames another), then checks
    /// that names are valid identifiers and unique.
    /// </summary>
    private static void AssignNames(List<LayerSpec> layers, List<LocationInfo?> locations, List<string> prefixes, List<DiagnosticInfo> diagnostics)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var firstUse = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < layers.Count; i++)
        {
            counts.TryGetValue(prefixes[i], out int count);
            counts[prefixes[i]] = ++count;
            if (layers[i].Name.Length == 0)
            {
                layers[i] = layers[i] with { Name = prefixes[i] + count.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            }
            else if (!IsValidName(layers[i].Name))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerName, locations[i], layers[i].Name));
                continue;
            }

            if (firstUse.TryGetValue(layers[i].Name, out int first))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateLayerName, locations[i], layers[i].Name, layers[first].Kind, first + 1));
            }
            else
            {
                firstUse[layers[i].Name] = i;
            }
        }
    }

    private static bool IsValidName(string name)
    {
        if (name.Length == 0 || !IsAsciiLetter(name[0]))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!IsAsciiLetter(c) && !(c >= '0' && c <= '9') && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAsciiLetter(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
