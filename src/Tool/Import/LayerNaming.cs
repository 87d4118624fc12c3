using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using StaticNet.Tool.Onnx;

namespace StaticNet.Tool.Import;

/// <summary>
/// Names the imported layers. A layer whose ONNX tensors have <c>state_dict</c> names is named after
/// them (<c>conv1.weight</c> gives <c>conv1</c>, <c>features.0.weight</c> gives <c>features_0</c>); another
/// after its node, when the node's name says more than its operator (PyTorch names a node after the
/// modules that ran it: <c>/layer1/layer1.0/relu/Relu</c> gives <c>layer1_0_relu</c>); the rest get the
/// generator's default names (<c>relu3</c>). Names follow the generator's rules (SN0012: a letter, then
/// letters, digits or '_'), are unique, and avoid the names that would clash in the generated code (SN0023).
/// </summary>
internal static class LayerNaming
{
    /// <summary>
    /// Names the members of a layer's constants class (<c>Layers.Conv1.Channels</c>) and of
    /// <see cref="object"/>: a layer whose PascalCase name is one of them would not compile (SN0023).
    /// </summary>
    private static readonly HashSet<string> ClashingStems = new(StringComparer.Ordinal)
    {
        "Name", "Channels", "Height", "Width", "Features", "OutputLength",
        "WeightOffset", "WeightLength", "BiasOffset", "BiasLength", "RunningMeanOffset", "RunningMeanLength",
        "RunningVarOffset", "RunningVarLength", "NumBatchesTrackedOffset", "NumBatchesTrackedLength",
        "Equals", "GetHashCode", "GetType", "ToString", "MemberwiseClone", "Finalize", "ReferenceEquals",
    };

    /// <summary>What the network's input is called where layers name what they read (<c>LayerInfo.NetworkInput</c>).</summary>
    private const string InputName = "input";

    /// <summary>
    /// The <c>state_dict</c> prefix of a tensor named <c>prefix.role</c> (<c>conv1</c> of <c>conv1.weight</c>), when
    /// the prefix is a dotted path of identifiers as PyTorch writes them; null otherwise (<c>onnx::Conv_42</c>).
    /// </summary>
    public static string? TensorPrefix(string tensorName, string role)
    {
        string suffix = "." + role;
        if (!tensorName.EndsWith(suffix, StringComparison.Ordinal) || tensorName.Length == suffix.Length)
        {
            return null;
        }

        string prefix = tensorName[..^suffix.Length];
        return prefix.Split('.').All(part => part.Length > 0 && part.All(IsNameCharacter)) ? prefix : null;
    }

    /// <summary>
    /// The <c>state_dict</c> prefix most of a layer's tensors share (the first tensor's on a tie), or null when
    /// none has one. Exporters that store equal tensors once (PyTorch does, for the untrained batch norms of
    /// several layers) give a layer some tensors named after another layer; the majority is its own.
    /// </summary>
    public static string? CommonPrefix(params (string? Name, string Role)[] tensors)
    {
        List<string> prefixes = tensors.Where(t => t.Name is not null).Select(t => TensorPrefix(t.Name!, t.Role)).OfType<string>().ToList();
        return prefixes.GroupBy(p => p, StringComparer.Ordinal).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault();
    }

    /// <summary>Sets each layer's <see cref="ImportedLayer.Name"/> and whether the declaration must write it.</summary>
    public static void Assign(IReadOnlyList<ImportedLayer> layers)
    {
        string?[] candidates = Candidates(layers);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        string[] defaults = new string[layers.Count];
        for (int i = 0; i < layers.Count; i++)
        {
            // The generator's default: the prefix and the layer's position among the layers with that prefix.
            string prefix = Prefix(layers[i]);
            counts[prefix] = counts.GetValueOrDefault(prefix) + 1;
            defaults[i] = prefix + Numbers.Format(counts[prefix]);
        }

        // Names from the file first, in order, so that a later default gives way to them and not the reverse.
        for (int i = 0; i < layers.Count; i++)
        {
            if (candidates[i] is string candidate)
            {
                layers[i].Name = Unique(candidate, taken);
            }
        }

        for (int i = 0; i < layers.Count; i++)
        {
            if (candidates[i] is null)
            {
                layers[i].Name = Unique(defaults[i], taken);
            }

            layers[i].NeedsName = layers[i].Name != defaults[i];
        }
    }

    /// <summary>The names each layer's tensors or node suggest, made valid; null where they suggest none.</summary>
    private static string?[] Candidates(IReadOnlyList<ImportedLayer> layers)
    {
        // A prefix several layers claim (their tensors stored once) is the layer's whose node agrees, or the first's; the others go by their nodes.
        var owners = new Dictionary<string, ImportedLayer>(StringComparer.Ordinal);
        foreach (IGrouping<string, ImportedLayer> claim in layers.Where(l => l.TensorPrefix is not null).GroupBy(l => l.TensorPrefix!, StringComparer.Ordinal))
        {
            owners[claim.Key] = claim.FirstOrDefault(l => FromNode(l.Node) == claim.Key) ?? claim.First();
        }

        return layers.Select(layer =>
        {
            string? source = layer.TensorPrefix is string prefix && owners[prefix] == layer ? prefix : FromNode(layer.Node) ?? layer.TensorPrefix;
            return source is null ? null : Valid(source, Prefix(layer));
        }).ToArray();
    }

    /// <summary>
    /// What a node's name says beyond its operator. PyTorch names a node by the modules that ran it and the
    /// operator (<c>/layer1/layer1.0/relu/Relu</c>): the module's path is <c>layer1.0.relu</c>, each scope that
    /// repeats the one before it (<c>layer1.0</c> after <c>layer1</c>) replacing it. A plain name (<c>conv1</c>,
    /// as StaticNet's export names nodes) is itself; one made of the operator alone (<c>Relu_3</c>) says nothing.
    /// </summary>
    private static string? FromNode(OnnxNode node)
    {
        string[] segments = node.Name.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length <= 1)
        {
            return segments.Length == 0 || IsOperatorName(segments[0], node.OpType) ? null : segments[0];
        }

        string path = segments[0];
        foreach (string scope in segments[1..^1])
        {
            path = scope.StartsWith(path + ".", StringComparison.Ordinal) ? scope : path + "." + scope;
        }

        return path;
    }

    private static bool IsOperatorName(string name, string opType) =>
        name == opType || (name.StartsWith(opType + "_", StringComparison.Ordinal) && name.Length > opType.Length + 1 && name[(opType.Length + 1)..].All(char.IsAsciiDigit));

    /// <summary>
    /// A valid layer name from <paramref name="source"/>: each run of characters a name cannot hold becomes
    /// one '_'; one that does not start with a letter gets the layer's prefix (<c>0</c> gives <c>conv_0</c>).
    /// </summary>
    private static string? Valid(string source, string prefix)
    {
        var name = new StringBuilder();
        foreach (char c in source)
        {
            if (IsNameCharacter(c))
            {
                name.Append(c);
            }
            else if (name.Length > 0 && name[^1] != '_')
            {
                name.Append('_');
            }
        }

        string result = name.ToString().Trim('_');
        if (result.Length == 0)
        {
            return null;
        }

        return char.IsAsciiLetter(result[0]) ? result : prefix + "_" + result;
    }

    /// <summary><paramref name="name"/>, or with the first free suffix <c>_2</c>, <c>_3</c>, ... when it is taken or would clash in the generated code.</summary>
    private static string Unique(string name, HashSet<string> taken)
    {
        if (name == InputName || ClashingStems.Contains(PascalCase(name)))
        {
            name += "_layer";
        }

        string candidate = name;
        for (int suffix = 2; !taken.Add(candidate); suffix++)
        {
            candidate = name + "_" + Numbers.Format(suffix);
        }

        return candidate;
    }

    /// <summary>The stem the generator makes of a layer name for its constants class: <c>leaky_relu1</c> gives <c>LeakyRelu1</c>.</summary>
    private static string PascalCase(string name)
    {
        var stem = new StringBuilder();
        bool upper = true;
        foreach (char c in name)
        {
            if (c == '_')
            {
                upper = true;
                continue;
            }

            stem.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }

        return stem.ToString();
    }

    private static string Prefix(ImportedLayer layer) =>
        DefaultLayerNames.Prefix(layer.Kind.ToString()) ?? throw new InvalidOperationException($"{layer.Kind} has no default name prefix in DefaultLayerNames.");

    private static bool IsNameCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
}
