using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticNet.Generator.Diagnostics;
using StaticNet.Generator.Emit;
using StaticNet.Generator.Model;
using StaticNet.Generator.Parsing;
using StaticNet.Generator.Shapes;

namespace StaticNet.Generator;

/// <summary>
/// Compiles each <c>[Network]</c> class into straight-line Forward and Backward code. The pipeline:
/// find the classes, parse each into plain values (the only step that reads symbols), plan its model,
/// emit its source and check the generated names against the declaration's, report the diagnostics,
/// and add the source of each valid network. Every step is named so tests can check what is cached.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetworkGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // 1. Every class marked [Network], read from its symbols into plain values: the declared network, where each attribute is written, diagnostics.
        IncrementalValuesProvider<ParseResult> parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                NetworkParser.NetworkAttributeName,
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                static (context, cancellationToken) => NetworkParser.Parse(context, cancellationToken) with
                {
                    Weights = EmbeddedWeightsMatcher.ReadReference(context, cancellationToken),
                })
            .WithTrackingName(TrackingNames.Parse);

        // 1a. Shapes, parameter layout and workspace: the model, or the diagnostics that stop it.
        IncrementalValuesProvider<PlanResult> planned = parsed
            .Select(static (parse, _) => Plan(parse))
            .WithTrackingName(TrackingNames.Plan);

        // 1b. The source of each model, and its generated names checked against the declaration's.
        IncrementalValuesProvider<NetworkResult> networks = planned
            .Select(static (plan, _) => Emit(plan))
            .WithTrackingName(TrackingNames.Emit);

        // 2. Whether the compilation references the runtime the generated code calls into.
        IncrementalValueProvider<bool> runtimeReferenced = context.CompilationProvider
            .Select(static (compilation, _) => compilation.GetTypeByMetadataName("StaticNet.INetwork") is not null)
            .WithTrackingName(TrackingNames.RuntimeReferenced);

        // 3. Diagnostics, reported apart from the source so that moving a declaration re-reports them without re-emitting code.
        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = networks
            .Combine(runtimeReferenced)
            .Select(static (pair, _) => Diagnose(pair.Left, pair.Right))
            .WithTrackingName(TrackingNames.Diagnostics);
        context.RegisterSourceOutput(diagnostics, static (output, found) =>
        {
            foreach (DiagnosticInfo diagnostic in found)
            {
                output.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });

        // 4. The models of valid declarations with their source: equal across edits that do not change the network, so their file stays cached.
        IncrementalValuesProvider<EmittedNetwork> models = networks
            .Combine(runtimeReferenced)
            .Where(static pair => pair.Right && pair.Left.Network is not null && pair.Left.Weights is null)
            .Select(static (pair, _) => pair.Left.Network!)
            .WithTrackingName(TrackingNames.Model);

        // 5. One file per network.
        context.RegisterSourceOutput(models, static (output, network) =>
            output.AddSource(HintName(network.Model), network.Source));

        // 6. Every safetensors file among the AdditionalFiles, read and validated once: an edit elsewhere leaves it cached.
        IncrementalValuesProvider<WeightsFile> weightsFiles = context.AdditionalTextsProvider
            .Where(static text => EmbeddedWeightsReader.IsWeightsFile(text.Path))
            .Select(static (text, cancellationToken) => EmbeddedWeightsReader.Read(text, cancellationToken))
            .WithTrackingName(TrackingNames.WeightsFile);

        // 7. Each valid network with [Network(Weights = ...)] matched against its file: the tensors to embed, or diagnostics on the argument.
        IncrementalValuesProvider<WeightsMatch> matches = networks
            .Where(static result => result.Network is not null && result.Weights is not null)
            .Combine(runtimeReferenced)
            .Where(static pair => pair.Right)
            .Select(static (pair, _) => pair.Left)
            .Combine(weightsFiles.Collect())
            .Select(static (pair, cancellationToken) => EmbeddedWeightsMatcher.Match(pair.Left, pair.Right, cancellationToken))
            .WithTrackingName(TrackingNames.WeightsMatch);
        context.RegisterSourceOutput(matches, static (output, match) =>
        {
            foreach (DiagnosticInfo diagnostic in match.Diagnostics)
            {
                output.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });

        // 8. The networks with their weights, free of locations, so that moving a declaration does not emit its data again; one file each.
        IncrementalValuesProvider<EmbeddedNetwork> embedded = matches
            .Where(static match => match.Network is not null)
            .Select(static (match, _) => match.Network!)
            .WithTrackingName(TrackingNames.EmbeddedModel);
        context.RegisterSourceOutput(embedded, static (output, network) =>
            output.AddSource(HintName(network.Model), NetworkEmitter.Emit(network.Model, network.Weights)));

        // 9. Classes with [Input] or layer attributes but no [Network]: a syntactic filter keeps networks out, whatever their size.
        IncrementalValuesProvider<DiagnosticInfo> missing = context.SyntaxProvider
            .CreateSyntaxProvider(static (node, _) => MissingNetwork.MayLackNetwork(node), MissingNetwork.Find)
            .Where(static diagnostic => diagnostic is not null)
            .Select(static (diagnostic, _) => diagnostic!)
            .WithTrackingName(TrackingNames.MissingNetwork);
        context.RegisterSourceOutput(missing, static (output, diagnostic) => output.ReportDiagnostic(diagnostic.ToDiagnostic()));
    }

    private static PlanResult Plan(ParseResult parse)
    {
        if (parse.Spec is null)
        {
            return new PlanResult(parse, null, parse.Diagnostics);
        }

        var diagnostics = new System.Collections.Generic.List<DiagnosticInfo>(parse.Diagnostics);
        try
        {
            NetworkModel? model = NetworkPlanner.Plan(parse.Spec, parse.Sites, diagnostics, parse.OutputArgument);
            return new PlanResult(parse, diagnostics.Count == 0 ? model : null, diagnostics.ToEquatableArray());
        }
        catch (System.Exception exception) when (exception is not System.OperationCanceledException)
        {
            diagnostics.Add(DiagnosticInfo.InternalError(parse.NetworkAttributeLocation, parse.ClassName, exception));
            return new PlanResult(parse, null, diagnostics.ToEquatableArray());
        }
    }

    private static NetworkResult Emit(PlanResult plan)
    {
        ParseResult parse = plan.Parse;
        var diagnostics = new System.Collections.Generic.List<DiagnosticInfo>(plan.Diagnostics);
        EmittedNetwork? network = null;
        if (plan.Model is not null)
        {
            try
            {
                // The names the generated class declares, read from its source, must not clash with the declaration's.
                string source = NetworkEmitter.Emit(plan.Model);
                NameClashes.Check(GeneratedMembers.Read(source, plan.Model.ClassName), plan.Model, parse.Declaration!, parse.Sites, diagnostics);
                network = diagnostics.Count == 0 ? new EmittedNetwork(plan.Model, source) : null;
            }
            catch (System.Exception exception) when (exception is not System.OperationCanceledException)
            {
                diagnostics.Add(DiagnosticInfo.InternalError(parse.NetworkAttributeLocation, parse.ClassName, exception));
            }
        }

        return new NetworkResult(network, diagnostics.ToEquatableArray(), parse.ClassName, parse.NetworkAttributeLocation) { Weights = parse.Weights };
    }

    private static EquatableArray<DiagnosticInfo> Diagnose(NetworkResult result, bool runtimeReferenced) =>
        runtimeReferenced
            ? result.Diagnostics
            : result.Diagnostics
                .Append(DiagnosticInfo.Create(DiagnosticDescriptors.RuntimeNotReferenced, result.NetworkAttributeLocation, result.ClassName))
                .ToEquatableArray();

    private static string HintName(NetworkModel model) =>
        (model.Namespace is null ? model.ClassName : model.Namespace + "." + model.ClassName) + ".g.cs";
}

/// <summary>The names of the pipeline's steps, for incremental-caching tests.</summary>
public static class TrackingNames
{
    public const string Parse = nameof(Parse);
    public const string Plan = nameof(Plan);
    public const string Emit = nameof(Emit);
    public const string RuntimeReferenced = nameof(RuntimeReferenced);
    public const string Diagnostics = nameof(Diagnostics);
    public const string Model = nameof(Model);
    public const string WeightsFile = nameof(WeightsFile);
    public const string WeightsMatch = nameof(WeightsMatch);
    public const string EmbeddedModel = nameof(EmbeddedModel);
    public const string MissingNetwork = nameof(MissingNetwork);
}
