using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticNet.Generator.Diagnostics;
using StaticNet.Generator.Emit;
using StaticNet.Generator.Model;

namespace StaticNet.Generator.Parsing;

/// <summary>
/// Refuses the names that would make the generated half of a network fail to compile: a class named
/// like one of the members generated in it, a layer whose constants class would share a name with
/// its own members or hide one of <see cref="object"/>'s, and a member of the user's half (or of a
/// base class) named like a generated one. The generated names are read from the source the emitter
/// really writes for this network (<see cref="GeneratedMembers"/>), so the check cannot drift from it.
/// </summary>
internal static class NameClashes
{
    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat;

    public static void Check(GeneratedMembers generated, NetworkModel model, INamedTypeSymbol type, TypeDeclarationSyntax declaration, IReadOnlyList<AttributeSite> sites, Compilation compilation, List<DiagnosticInfo> diagnostics)
    {
        // A member may not have the name of its enclosing class (CS0542).
        if (generated.Members.Contains(type.Name))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ClassNameTaken, LocationInfo.From(declaration.Identifier.GetLocation()), type.Name));
        }

        // Each layer's constants class: not named like one of its members (CS0542), nor hiding a member it inherits from object (CS0108).
        var inherited = new HashSet<string>(
            compilation.GetSpecialType(SpecialType.System_Object).GetMembers().Where(m => m.CanBeReferencedByName).Select(m => m.Name),
            System.StringComparer.Ordinal);
        for (int i = 0; i < model.Layers.Count; i++)
        {
            string className = model.Layers[i].MethodName;
            if (!generated.LayerClasses.TryGetValue(className, out HashSet<string>? members))
            {
                continue;
            }

            string? clash = members.Contains(className) ? $"have the name of its own member {className}"
                : inherited.Contains(className) ? $"hide the member {className} it inherits from object"
                : null;
            if (clash is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerNameTaken, sites[i].Named("Name"), model.Layers[i].Name, generated.LayersClass, className, clash));
            }
        }

        // The user's own members, in every partial declaration: the same name twice in one class is CS0102 or CS0111.
        foreach (ISymbol member in type.GetMembers())
        {
            if (member.IsImplicitlyDeclared || member.Locations.FirstOrDefault(l => l.IsInSource) is not Location location)
            {
                continue;
            }

            if (member is IMethodSymbol { MethodKind: MethodKind.Constructor } constructor)
            {
                string[] parameters = constructor.Parameters.Select(p => p.Type.ToDisplayString(TypeFormat)).ToArray();
                if (generated.Constructors.Any(c => c.SequenceEqual(parameters)))
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.MemberNameTaken,
                        LocationInfo.From(location),
                        "The constructor (" + string.Join(", ", parameters) + ")",
                        type.Name,
                        "has the parameters of the constructor"));
                }
            }
            else if ((member.CanBeReferencedByName || member is INamedTypeSymbol) && generated.Members.Contains(member.Name))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MemberNameTaken, LocationInfo.From(location), "Member '" + member.Name + "'", type.Name, "has the name of a member"));
            }
        }

        // Members of base classes that a generated member would hide (CS0108, CS0114): reported on the base class in the declaration.
        BaseTypeSyntax? baseSyntax = declaration.BaseList?.Types.FirstOrDefault();
        for (INamedTypeSymbol? baseType = type.BaseType; baseType is not null && baseType.SpecialType != SpecialType.System_Object; baseType = baseType.BaseType)
        {
            foreach (ISymbol member in baseType.GetMembers())
            {
                if (member.DeclaredAccessibility != Accessibility.Private && member.CanBeReferencedByName && generated.Members.Contains(member.Name))
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.MemberNameTaken,
                        LocationInfo.From(baseSyntax) ?? LocationInfo.From(declaration.Identifier.GetLocation()),
                        "Member '" + member.Name + "', inherited from " + baseType.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + ",",
                        type.Name,
                        "has the name of a member"));
                }
            }
        }
    }
}
