using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticNet.Generator.Diagnostics;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Parsing;

/// <summary>
/// Reads a <c>[Network]</c> class into a <see cref="NetworkSpec"/>, validates each attribute, and
/// records what the planner and the name checks need (<see cref="AttributeSite"/>, <see cref="DeclarationFacts"/>).
/// All symbol and syntax access of the generator happens here; the plan and emit steps after it work
/// on plain values.
/// </summary>
internal static class NetworkParser
{
    public static readonly string NetworkAttributeName = typeof(NetworkAttribute).FullName;

    public static readonly string InputAttributeName = typeof(InputAttribute).FullName;

    /// <summary>A containing type as C# spells it: <c>Outer&lt;T&gt;</c>, <c>Outer.Inner</c>.</summary>
    private static readonly SymbolDisplayFormat ContainingTypeFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypes,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters);

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
            return new ParseResult(null, EquatableArray<AttributeSite>.Empty, null, new[] { DiagnosticInfo.InternalError(networkLocation, type.Name, exception) }.ToEquatableArray(), type.Name, networkLocation);
        }
    }

    private static ParseResult ParseCore(GeneratorAttributeSyntaxContext context, INamedTypeSymbol type, LocationInfo? networkLocation, CancellationToken cancellationToken)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var sites = new List<AttributeSite>();
        AttributeData network = context.Attributes[0];
        AttributeSite networkSite = AttributeSite.From(network.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax, network);
        ParseResult Result(NetworkSpec? spec, DeclarationFacts? facts) => new(spec, sites.ToEquatableArray(), facts, diagnostics.ToEquatableArray(), type.Name, networkLocation)
        {
            OutputArgument = networkSite.Named(nameof(NetworkAttribute.Output)),
        };

        var declaration = (TypeDeclarationSyntax)context.TargetNode;
        if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkMustBePartial, networkLocation, type.Name));
        }

        // The class's own type parameters make it generic; a containing type's make it nested, which is said first.
        string? unsupported = type.ContainingType is not null ? "nested in " + type.ContainingType.ToDisplayString(ContainingTypeFormat)
            : type.TypeParameters.Length > 0 ? "generic"
            : type.IsRecord ? "a record"
            : type.IsStatic ? "static"
            : IsFileLocal(type, cancellationToken) ? "file-local, and the generated part of a file class would be a class of its own in another file"
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
        var prefixes = new List<string>();
        var emptyNames = new List<(bool Name, bool From)>();
        var declarationsWithLayers = new HashSet<SyntaxNode> { declaration };
        bool unreadable = false;

        foreach ((AttributeData data, AttributeSyntax? syntax) in attributes)
        {
            string metadataName = data.AttributeClass!.ToDisplayString();
            if (metadataName == InputAttributeName)
            {
                input = ReadInput(data, AttributeSite.From(syntax, data), type.Name, diagnostics);
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
                sites.Add(AttributeSite.From(syntax, data));
                emptyNames.Add((IsEmptyString(data, "Name"), IsEmptyString(data, "From")));
                prefixes.Add(LayerReader.DefaultPrefix(metadataName));
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

        AssignNames(layers, sites, prefixes, emptyNames, diagnostics);
        for (int i = 0; i < layers.Count; i++)
        {
            LayerValidator.Validate(layers[i], sites[i], diagnostics);
        }

        // Attributes the compiler could not bind are errors it reports itself; generating code from them would only add noise.
        if (unreadable || diagnostics.Count > 0 || input is null)
        {
            return Result(null, null);
        }

        // Namespaces and names as C# must spell them: a keyword used as a name keeps its '@'.
        var spec = new NetworkSpec(
            type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat.WithMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers)),
            type.Name,
            input.Value,
            layers.ToEquatableArray())
        {
            SequenceOutput = AttributeInstance.Create<NetworkAttribute>(network)?.Output == NetworkOutput.Sequence,
        };
        return Result(spec, DeclarationFacts.Read(type, declaration, context.SemanticModel.Compilation));
    }

    /// <summary>Whether a declaration of the class has the C# 11 <c>file</c> modifier.</summary>
    private static bool IsFileLocal(INamedTypeSymbol type, CancellationToken cancellationToken) =>
        type.DeclaringSyntaxReferences.Any(reference => reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration && declaration.Modifiers.Any(SyntaxKind.FileKeyword));

    private static Shape? ReadInput(AttributeData data, AttributeSite site, string className, List<DiagnosticInfo> diagnostics)
    {
        if (AttributeInstance.Create<InputAttribute>(data)?.Shape is not int[] sizes)
        {
            return null;
        }

        int[] invalid = Enumerable.Range(0, sizes.Length).Where(i => sizes[i] < 1).ToArray();
        if (invalid.Length > 0)
        {
            // On the size at fault; on the attribute when there are several.
            LocationInfo? location = invalid.Length == 1 ? site.Positional(invalid[0]) : site.Attribute;
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidInputShape, location, className, "(" + string.Join(", ", sizes) + ")"));
            return null;
        }

        if ((long)sizes.Aggregate(1L, (product, size) => product * size) > int.MaxValue)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkTooLarge, site.Attribute, "Input", className, "the input", sizes.Aggregate(1L, (p, s) => p * s), int.MaxValue));
            return null;
        }

        return sizes.Length == 1 ? Shape.Flat(sizes[0]) : Shape.Image(sizes[0], sizes[1], sizes[2]);
    }

    /// <summary>
    /// Gives every unnamed layer its default name (prefix plus its 1-based position among layers with
    /// that prefix, counting named ones too, so naming one layer never renames another), then checks
    /// that names are valid identifiers and unique. An empty <c>Name = ""</c> or <c>From = ""</c> is an
    /// error, not a silent "unnamed": it names nothing.
    /// </summary>
    private static void AssignNames(List<LayerSpec> layers, List<AttributeSite> sites, List<string> prefixes, List<(bool Name, bool From)> emptyNames, List<DiagnosticInfo> diagnostics)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var firstUse = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < layers.Count; i++)
        {
            counts.TryGetValue(prefixes[i], out int count);
            counts[prefixes[i]] = ++count;
            if (emptyNames[i].Name)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerName, sites[i].Named("Name"), string.Empty));
            }

            if (layers[i].Name.Length == 0)
            {
                layers[i] = layers[i] with { Name = prefixes[i] + count.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            }
            else if (!IsValidName(layers[i].Name))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerName, sites[i].Named("Name"), layers[i].Name));
                continue;
            }

            if (emptyNames[i].From)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.UnknownLayerReference,
                    sites[i].Named("From"),
                    layers[i].Kind,
                    layers[i].Name,
                    string.Empty,
                    "From",
                    "an empty name is no layer's; remove From to take the output of the layer before"));
            }

            if (firstUse.TryGetValue(layers[i].Name, out int first))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateLayerName, sites[i].Named("Name"), layers[i].Name, layers[first].Kind, first + 1));
            }
            else
            {
                firstUse[layers[i].Name] = i;
            }
        }
    }

    /// <summary>Whether the attribute sets <paramref name="property"/> to the empty string.</summary>
    private static bool IsEmptyString(AttributeData data, string property)
    {
        foreach (KeyValuePair<string, TypedConstant> argument in data.NamedArguments)
        {
            if (argument.Key == property && argument.Value.Value is string { Length: 0 })
            {
                return true;
            }
        }

        return false;
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
