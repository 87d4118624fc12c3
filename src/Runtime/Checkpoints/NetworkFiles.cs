using System.Collections.Generic;
using System.IO;
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
        foreach (TensorInfo info in network.Tensors)
        {
            var values = new float[info.Length];
            network.ReadTensor(info.Name, values);
            tensors.Add(new SafeTensor(info.Name, ToArray(info.Shape), values));
        }

        var allMetadata = new Dictionary<string, string> { ["format"] = "pt", ["network"] = network.Name };
        if (metadata is not null)
        {
            foreach (KeyValuePair<string, string> entry in metadata)
            {
                allMetadata[entry.Key] = entry.Value;
            }
        }

        SafeTensors.Write(path, tensors, allMetadata);
    }

    /// <summary>
    /// Loads every parameter tensor from <paramref name="path"/>. The file must hold exactly the
    /// network's tensors, each with its shape; otherwise this throws, naming the file, the tensor and
    /// what was expected versus found, and the network is left as it was: nothing is half-loaded.
    /// </summary>
    /// <returns>The file's <c>__metadata__</c> strings.</returns>
    public static IReadOnlyDictionary<string, string> Load(this INetwork network, string path)
    {
        SafeTensorsFile file = SafeTensors.Read(path);
        var problems = new StringBuilder();
        var known = new HashSet<string>();
        foreach (TensorInfo info in network.Tensors)
        {
            known.Add(info.Name);
            if (!file.TryGet(info.Name, out SafeTensor tensor))
            {
                problems.Append($"\n  missing tensor '{info.Name}', expected shape {info.ShapeText}");
            }
            else if (!SameShape(info.Shape, tensor.Shape))
            {
                problems.Append($"\n  tensor '{info.Name}' has shape {tensor.ShapeText}, expected {info.ShapeText}");
            }
        }

        foreach (SafeTensor tensor in file.Tensors)
        {
            if (!known.Contains(tensor.Name))
            {
                problems.Append($"\n  unexpected tensor '{tensor.Name}' {tensor.ShapeText}, which network {network.Name} does not have");
            }
        }

        if (problems.Length > 0)
        {
            throw new InvalidDataException($"{path} does not match network {network.Name}; nothing was loaded:{problems}");
        }

        // Every check passed: only now touch the network.
        foreach (TensorInfo info in network.Tensors)
        {
            file.TryGet(info.Name, out SafeTensor tensor);
            network.WriteTensor(info.Name, tensor.Values);
        }

        return file.Metadata;
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
