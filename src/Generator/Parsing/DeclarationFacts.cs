using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticNet.Generator.Diagnostics;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Parsing;

/// <summary>
/// What the names of a network's generated half must not clash with, read from the user's class
/// while its symbols are at hand: the class's name, its own members in every partial declaration,
/// the members it inherits, and those of <see cref="object"/>.
/// </summary>
internal sealed record DeclarationFacts(
    string ClassName,
    LocationInfo? Identifier,
    LocationInfo? BaseList,
    EquatableArray<string> ObjectMembers,
    EquatableArray<DeclaredMember> Members,
    EquatableArray<InheritedMember> Inherited)
{
    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat;

    public static DeclarationFacts Read(INamedTypeSymbol type, TypeDeclarationSyntax declaration, Compilation compilation)
    {
        EquatableArray<string> objectMembers = compilation.GetSpecialType(SpecialType.System_Object).GetMembers()
            .Where(m => m.CanBeReferencedByName)
            .Select(m => m.Name)
            .Distinct()
            .OrderBy(name => name, System.StringComparer.Ordinal)
            .ToEquatableArray();

        // The user's own members, in every partial declaration.
        var members = new System.Collections.Generic.List<DeclaredMember>();
        foreach (ISymbol member in type.GetMembers())
        {
            if (member.IsImplicitlyDeclared || member.Locations.FirstOrDefault(l => l.IsInSource) is not Location location)
            {
                continue;
            }

            if (member is IMethodSymbol { MethodKind: MethodKind.Constructor } constructor)
            {
                members.Add(new DeclaredMember(null, constructor.Parameters.Select(p => p.Type.ToDisplayString(TypeFormat)).ToEquatableArray(), LocationInfo.From(location)));
            }
            else if (member.CanBeReferencedByName || member is INamedTypeSymbol)
            {
                members.Add(new DeclaredMember(member.Name, EquatableArray<string>.Empty, LocationInfo.From(location)));
            }
        }

        // Members of base classes that a generated member could hide.
        var inherited = new System.Collections.Generic.List<InheritedMember>();
        for (INamedTypeSymbol? baseType = type.BaseType; baseType is not null && baseType.SpecialType != SpecialType.System_Object; baseType = baseType.BaseType)
        {
            foreach (ISymbol member in baseType.GetMembers())
            {
                if (member.DeclaredAccessibility != Accessibility.Private && member.CanBeReferencedByName)
                {
                    inherited.Add(new InheritedMember(member.Name, baseType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)));
                }
            }
        }

        return new DeclarationFacts(
            type.Name,
            LocationInfo.From(declaration.Identifier.GetLocation()),
            LocationInfo.From(declaration.BaseList?.Types.FirstOrDefault()),
            objectMembers,
            members.ToEquatableArray(),
            inherited.ToEquatableArray());
    }
}

/// <summary>A member the user's class declares: by name, or, for a constructor (no name), by its parameter types.</summary>
internal sealed record DeclaredMember(string? Name, EquatableArray<string> ConstructorParameters, LocationInfo? Location);

/// <summary>A member the class inherits from a base class other than <see cref="object"/>, and the base class's name.</summary>
internal sealed record InheritedMember(string Name, string BaseType);
