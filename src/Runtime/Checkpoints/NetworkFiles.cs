using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace StaticNet;

/// <summary>Saving and loading a network's parameters as safetensors, under their PyTorch <c>state_dict</c> names.</summary>
public static class NetworkFiles
{
    /// <summary>
    /// Saves every parameter tensor to <paramref name="path"/>, atomically: a crash during the save
    /// leaves any previous file intact. PyTorch reads the file with <c>safetensors.torch.load_file</c>.
    /// </summary>
    /// <param name="network">The network to save.</param>
    /// <param name="path">The file to write.</param>
    /// <param name="metadata">Extra strings to keep in the file's <c>__metadata__</c>, such as the normalisation the network was trained with.</param>
    public static void Save(this INetwork network, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var tensors = new List<SafeTensor>(network.Tensors.Count);
        AddTensors(network, tensors, prefix: "");
        SafeTensors.Write(path, tensors, WithNetwork(network, metadata));
    }

    /// <summary>
    /// Loads every parameter tensor from <paramref name="path"/>. The file must hold exactly the
    /// network's tensors, each with its shape; otherwise this throws, naming the file, the tensor and
    /// what was expected versus found, and the network is left as it was: nothing is half-loaded.
    /// </summary>
    /// <param name="network">The network to load into.</param>
    /// <param name="path">A safetensors file, from StaticNet or PyTorch.</param>
    /// <param name="rename">
    /// The network's name for each tensor of the file, or <see langword="null"/> to leave that tensor out:
    /// PyTorch's <c>features.0.weight</c> can become <c>conv1.weight</c> (see <see cref="TensorRenames.Map"/>).
    /// Without it, the file's names are the network's.
    /// </param>
    /// <returns>The file's <c>__metadata__</c> strings.</returns>
    public static IReadOnlyDictionary<string, string> Load(this INetwork network, string path, Func<string, string?>? rename = null)
    {
        SafeTensorsFile file = Renamed(SafeTensors.Read(path), rename, new List<string>());
        string problems = Problems(network, file, prefix: "", strict: true);
        if (problems.Length > 0)
        {
            throw new InvalidDataException($"{path} does not match network {network.Name}; nothing was loaded:{problems}");
        }

        // Every check passed: only now touch the network.
        WriteTensors(network, file, prefix: "");
        return file.Metadata;
    }

    /// <summary>
    /// Loads the tensors of <paramref name="path"/> that <paramref name="include"/> selects (all when
    /// <see langword="null"/>) and that the network has, by name: transfer learning, for example every
    /// tensor but the classifier head. A selected tensor whose shape differs throws (naming it, both
    /// shapes, and loading nothing) unless <paramref name="skipMismatchedShapes"/>, when it is skipped
    /// and reported. Returns what was loaded and what was not, and why.
    /// </summary>
    /// <param name="network">The network to load into.</param>
    /// <param name="path">A safetensors file, from StaticNet or PyTorch.</param>
    /// <param name="include">Selects tensors by their name in the file (and the network).</param>
    /// <param name="skipMismatchedShapes">Whether a selected tensor of another shape is skipped rather than an error.</param>
    /// <param name="rename">The network's name for each tensor of the file, or <see langword="null"/> to leave it out; applied first, so <paramref name="include"/> sees the new names.</param>
    /// <exception cref="InvalidDataException">No tensor of the file has a name and shape of the network's: the message lists both sides' names.</exception>
    public static LoadReport LoadMatching(this INetwork network, string path, Func<string, bool>? include = null, bool skipMismatchedShapes = false, Func<string, string?>? rename = null)
    {
        var dropped = new List<string>();
        SafeTensorsFile file = Renamed(SafeTensors.Read(path), rename, dropped);
        var loaded = new List<string>();
        var skipped = new List<SkippedTensor>();
        foreach (string name in dropped)
        {
            skipped.Add(new SkippedTensor(name, "left out by the rename"));
        }

        var mismatches = new StringBuilder();
        var networkTensors = new Dictionary<string, TensorInfo>(StringComparer.Ordinal);
        foreach (TensorInfo info in network.Tensors)
        {
            networkTensors[info.Name] = info;
        }

        foreach (SafeTensor tensor in file.Tensors)
        {
            if (include is not null && !include(tensor.Name))
            {
                skipped.Add(new SkippedTensor(tensor.Name, "excluded by the filter"));
            }
            else if (!networkTensors.TryGetValue(tensor.Name, out TensorInfo? info))
            {
                skipped.Add(new SkippedTensor(tensor.Name, $"network {network.Name} has no tensor of that name"));
            }
            else if (!SameShape(info.Shape, tensor.Shape))
            {
                string reason = $"shape {tensor.ShapeText} in the file, {info.ShapeText} in the network";
                if (!skipMismatchedShapes)
                {
                    mismatches.Append($"\n  tensor '{tensor.Name}' has {reason}");
                }

                skipped.Add(new SkippedTensor(tensor.Name, reason));
            }
            else
            {
                loaded.Add(tensor.Name);
            }
        }

        if (mismatches.Length > 0)
        {
            throw new InvalidDataException($"{path}: selected tensors do not fit network {network.Name}; nothing was loaded (exclude them, or pass skipMismatchedShapes: true):{mismatches}");
        }

        if (loaded.Count == 0)
        {
            // Loading nothing is never what was meant: most often the file's names are not the network's.
            throw new InvalidDataException(
                $"{path}: no tensor of the file fits network {network.Name}, so nothing was loaded. The file has {Names(file.Tensors.Select(t => t.Name))}; " +
                $"the network has {Names(network.Tensors.Select(t => t.Name))}. If the names differ, pass rename: (see TensorRenames.Map).");
        }

        var notInFile = new List<string>();
        foreach (TensorInfo info in network.Tensors)
        {
            if (!loaded.Contains(info.Name))
            {
                notInFile.Add(info.Name);
            }
        }

        foreach (string name in loaded)
        {
            file.TryGet(name, out SafeTensor tensor);
            network.WriteTensor(name, tensor.Values);
        }

        return new LoadReport(path, loaded, skipped, notInFile);
    }

    private static SafeTensorsFile Renamed(SafeTensorsFile file, Func<string, string?>? rename, List<string> dropped) =>
        rename is null ? file : file.Renamed(rename, dropped);

    /// <summary>Names as a message lists them: the first ten, then how many more.</summary>
    private static string Names(IEnumerable<string> names)
    {
        List<string> all = names.ToList();
        if (all.Count == 0)
        {
            return "no tensors";
        }

        string shown = string.Join(", ", all.Take(10).Select(n => "'" + n + "'"));
        return all.Count > 10 ? $"{shown} and {all.Count - 10} more" : shown;
    }

    /// <summary>Adds the network's tensors, named with <paramref name="prefix"/>, to a file being written.</summary>
    internal static void AddTensors(INetwork network, List<SafeTensor> tensors, string prefix)
    {
        foreach (TensorInfo info in network.Tensors)
        {
            var values = new float[info.Length];
            network.ReadTensor(info.Name, values);
            tensors.Add(new SafeTensor(prefix + info.Name, ToArray(info.Shape), values));
        }
    }

    /// <summary>The network's name and PyTorch's format marker, with <paramref name="metadata"/>.</summary>
    internal static Dictionary<string, string> WithNetwork(INetwork network, IReadOnlyDictionary<string, string>? metadata)
    {
        var allMetadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["format"] = "pt", ["network"] = network.Name };
        if (metadata is not null)
        {
            foreach (KeyValuePair<string, string> entry in metadata)
            {
                allMetadata[entry.Key] = entry.Value;
            }
        }

        return allMetadata;
    }

    /// <summary>
    /// Every way the tensors named <c>prefix + name</c> in <paramref name="file"/> differ from the network's,
    /// one per line; empty when they match. <paramref name="strict"/> also reports tensors the network lacks.
    /// </summary>
    internal static string Problems(INetwork network, SafeTensorsFile file, string prefix, bool strict)
    {
        var problems = new StringBuilder();
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (TensorInfo info in network.Tensors)
        {
            known.Add(prefix + info.Name);
            if (!file.TryGet(prefix + info.Name, out SafeTensor tensor))
            {
                problems.Append($"\n  missing tensor '{prefix}{info.Name}', expected shape {info.ShapeText}");
            }
            else if (!SameShape(info.Shape, tensor.Shape))
            {
                problems.Append($"\n  tensor '{prefix}{info.Name}' has shape {tensor.ShapeText}, expected {info.ShapeText}");
            }
        }

        if (strict)
        {
            foreach (SafeTensor tensor in file.Tensors)
            {
                if (tensor.Name.StartsWith(prefix, StringComparison.Ordinal) && !known.Contains(tensor.Name))
                {
                    problems.Append($"\n  unexpected tensor '{tensor.Name}' {tensor.ShapeText}, which network {network.Name} does not have");
                }
            }
        }

        return problems.ToString();
    }

    /// <summary>Writes the file's tensors into the network; call only after <see cref="Problems"/> found none.</summary>
    internal static void WriteTensors(INetwork network, SafeTensorsFile file, string prefix)
    {
        foreach (TensorInfo info in network.Tensors)
        {
            file.TryGet(prefix + info.Name, out SafeTensor tensor);
            network.WriteTensor(info.Name, tensor.Values);
        }
    }

    private static bool SameShape(IReadOnlyList<int> expected, int[] found)
    {
        if (expected.Count != found.Length)
        {
            return false;
        }

        for (int i = 0; i < found.Length; i++)
        {
            if (expected[i] != found[i])
            {
                return false;
            }
        }

        return true;
    }

    private static int[] ToArray(IReadOnlyList<int> shape)
    {
        var array = new int[shape.Count];
        for (int i = 0; i < array.Length; i++)
        {
            array[i] = shape[i];
        }

        return array;
    }
}

/// <summary>A tensor <see cref="NetworkFiles.LoadMatching"/> did not load, and why.</summary>
/// <param name="Name">The tensor's name in the file.</param>
/// <param name="Reason">Why it was not loaded.</param>
public readonly record struct SkippedTensor(string Name, string Reason);

/// <summary>What <see cref="NetworkFiles.LoadMatching"/> loaded from a file, and what it did not.</summary>
/// <param name="Path">The file.</param>
/// <param name="Loaded">The tensors loaded, by name.</param>
/// <param name="Skipped">The file's tensors not loaded, with the reason.</param>
/// <param name="NotLoaded">The network's tensors that kept their values (initialised, or trained before).</param>
public sealed record LoadReport(string Path, IReadOnlyList<string> Loaded, IReadOnlyList<SkippedTensor> Skipped, IReadOnlyList<string> NotLoaded)
{
    /// <summary>The report as lines a person reads: what was loaded, skipped and kept.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append($"{Path}: loaded {Loaded.Count} tensor{(Loaded.Count == 1 ? "" : "s")}");
        if (Loaded.Count > 0)
        {
            text.Append(" (").Append(string.Join(", ", Loaded)).Append(')');
        }

        foreach (SkippedTensor skip in Skipped)
        {
            text.Append($"\n  skipped '{skip.Name}': {skip.Reason}");
        }

        if (NotLoaded.Count > 0)
        {
            text.Append("\n  kept the network's own values for: ").Append(string.Join(", ", NotLoaded));
        }

        return text.ToString();
    }
}
