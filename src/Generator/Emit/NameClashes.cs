using System.Collections.Generic;
using System.Linq;
using StaticNet.Generator.Diagnostics;
using StaticNet.Generator.Model;
using StaticNet.Generator.Parsing;

namespace StaticNet.Generator.Emit;

/// <summary>
/// Refuses the names that would make the generated half of a network fail to compile: a class named
/// like one of the members generated in it, a layer whose constants class would share a name with
/// its own members or hide one of <see cref="object"/>'s, and a member of the user's half named like a
/// generated one or like a member of the engine the generated half derives from. The generated names are read from the source the emitter
/// really writes for this network (<see cref="GeneratedMembers"/>), so the check cannot drift from it.
/// </summary>
internal static class NameClashes
{
    public static void Check(GeneratedMembers generated, NetworkModel model, DeclarationFacts declaration, IReadOnlyList<AttributeSite> sites, List<DiagnosticInfo> diagnostics)
    {
        // The generated half derives from the engine; a base class of the user's would be a second (CS0263).
        if (declaration.OwnBaseClass is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkHasBaseClass, declaration.BaseList ?? declaration.Identifier, declaration.ClassName, declaration.OwnBaseClass));
        }

        // A member may not have the name of its enclosing class (CS0542).
        if (generated.Members.Contains(declaration.ClassName))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ClassNameTaken, declaration.Identifier, declaration.ClassName));
        }

        // Each layer's constants class: not named like one of its members (CS0542), nor hiding a member it inherits from object (CS0108).
        var inherited = new HashSet<string>(declaration.ObjectMembers, System.StringComparer.Ordinal);
        for (int i = 0; i < model.Layers.Count; i++)
        {
            string className = model.Layers[i].ConstantsClass;
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
        foreach (DeclaredMember member in declaration.Members)
        {
            if (member.Name is null)
            {
                if (generated.Constructors.Any(c => c.SequenceEqual(member.ConstructorParameters)))
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.MemberNameTaken,
                        member.Location,
                        "The constructor (" + string.Join(", ", member.ConstructorParameters) + ")",
                        declaration.ClassName,
                        "has the parameters of the constructor"));
                }
            }
            else if (generated.Members.Contains(member.Name))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MemberNameTaken, member.Location, "Member '" + member.Name + "'", declaration.ClassName, "has the name of a member"));
            }
        }

        // Members of the engine the generated half derives from: one of the user's with such a name would hide it (CS0108) or clash with it.
        var engine = new HashSet<string>(declaration.EngineMembers, System.StringComparer.Ordinal);
        foreach (DeclaredMember member in declaration.Members)
        {
            if (member.Name is not null && engine.Contains(member.Name) && !generated.Members.Contains(member.Name))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MemberNameTaken, member.Location, "Member '" + member.Name + "'", declaration.ClassName, "has the name of a member"));
            }
        }
    }
}
