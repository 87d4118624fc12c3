using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace StaticNet.Generator.Emit;

/// <summary>
/// The names the generated half of a network class declares, read back from the source the emitter
/// writes for it. Names a declaration must not reuse (for its class, its layers, its own members)
/// therefore come from what is really generated, not from a list kept beside the emitter.
/// </summary>
internal sealed class GeneratedMembers
{
    private GeneratedMembers(HashSet<string> members, string layersClass, Dictionary<string, HashSet<string>> layerClasses, List<string[]> constructors)
    {
        Members = members;
        LayersClass = layersClass;
        LayerClasses = layerClasses;
        Constructors = constructors;
    }

    /// <summary>Every member the generated class declares, public or private, by name; constructors are in <see cref="Constructors"/>.</summary>
    public HashSet<string> Members { get; }

    /// <summary>The name of the class that holds the per-layer constants classes (<c>Layers</c>).</summary>
    public string LayersClass { get; }

    /// <summary>Each nested class of per-layer constants (<c>Layers.Conv1</c>), by name, with the names of its members.</summary>
    public Dictionary<string, HashSet<string>> LayerClasses { get; }

    /// <summary>The parameter types of each generated constructor, as written (<c>int</c>, <c>global::System.Span&lt;float&gt;</c>).</summary>
    public List<string[]> Constructors { get; }

    /// <summary>Only declarations are read here: documentation comments stay plain trivia, which parse several times faster.</summary>
    private static readonly CSharpParseOptions NamesOnly = CSharpParseOptions.Default.WithDocumentationMode(Microsoft.CodeAnalysis.DocumentationMode.None);

    /// <summary>The members of class <paramref name="className"/> in <paramref name="source"/>.</summary>
    public static GeneratedMembers Read(string source, string className)
    {
        var members = new HashSet<string>(System.StringComparer.Ordinal);
        var layerClasses = new Dictionary<string, HashSet<string>>(System.StringComparer.Ordinal);
        var constructors = new List<string[]>();
        string layersClass = string.Empty;
        CompilationUnitSyntax root = CSharpSyntaxTree.ParseText(source, NamesOnly).GetCompilationUnitRoot();
        ClassDeclarationSyntax? network = root.DescendantNodes(node => node is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax)
            .OfType<ClassDeclarationSyntax>()
            .FirstOrDefault(c => c.Identifier.ValueText == className);
        if (network is null)
        {
            return new GeneratedMembers(members, layersClass, layerClasses, constructors);
        }

        foreach (MemberDeclarationSyntax member in network.Members)
        {
            if (member is ConstructorDeclarationSyntax constructor)
            {
                constructors.Add(constructor.ParameterList.Parameters.Select(p => p.Type?.ToString() ?? string.Empty).ToArray());
            }

            foreach (string name in Names(member))
            {
                members.Add(name);
            }

            // The class of per-layer constants holds one class per layer.
            if (member is ClassDeclarationSyntax nested && nested.Members.Count > 0 && nested.Members.All(m => m is ClassDeclarationSyntax))
            {
                layersClass = nested.Identifier.ValueText;
                foreach (ClassDeclarationSyntax layer in nested.Members.OfType<ClassDeclarationSyntax>())
                {
                    layerClasses[layer.Identifier.ValueText] = new HashSet<string>(layer.Members.SelectMany(Names), System.StringComparer.Ordinal);
                }
            }
        }

        return new GeneratedMembers(members, layersClass, layerClasses, constructors);
    }

    /// <summary>The names one member declaration introduces: a field can declare several; a constructor introduces none.</summary>
    private static IEnumerable<string> Names(MemberDeclarationSyntax member) => member switch
    {
        BaseFieldDeclarationSyntax field => field.Declaration.Variables.Select(v => v.Identifier.ValueText),
        MethodDeclarationSyntax { ExplicitInterfaceSpecifier: null } method => new[] { method.Identifier.ValueText },
        PropertyDeclarationSyntax { ExplicitInterfaceSpecifier: null } property => new[] { property.Identifier.ValueText },
        EventDeclarationSyntax { ExplicitInterfaceSpecifier: null } @event => new[] { @event.Identifier.ValueText },
        BaseTypeDeclarationSyntax type => new[] { type.Identifier.ValueText },
        DelegateDeclarationSyntax @delegate => new[] { @delegate.Identifier.ValueText },
        IndexerDeclarationSyntax => new[] { "this[]" },
        _ => System.Array.Empty<string>(),
    };
}
