using System;
using System.Globalization;
using System.IO;

namespace StaticNet.Samples;

/// <summary>Where Fashion-MNIST lives and how to load it, shared by the samples.</summary>
public static class FashionMnistData
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The ten classes, by label.</summary>
    public static readonly string[] ClassNames =
    {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    };

    private static readonly string[] FileNames =
    {
        "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
    };

    /// <summary>
    /// The path of one of the four files in <paramref name="directory"/>, gzipped or not; when the
    /// file is missing, a message that says what to install, or <see langword="null"/> path.
    /// </summary>
    public static string? Find(string directory, string name)
    {
        foreach (string candidate in new[] { name + ".gz", name })
        {
            string path = Path.Combine(directory, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }

    /// <summary>Loads the training and test sets, or explains how to get them.</summary>
    /// <exception cref="FileNotFoundException">A file is missing; the message names it and the Debian package.</exception>
    public static (Dataset Train, Dataset Test) Load(string directory)
    {
        var paths = new string[FileNames.Length];
        for (int i = 0; i < FileNames.Length; i++)
        {
            paths[i] = Find(directory, FileNames[i]) ?? throw new FileNotFoundException(
                $"Fashion-MNIST is not in {directory}: {FileNames[i]}(.gz) is missing.{Environment.NewLine}" +
                $"Install it with:  sudo apt-get install dataset-fashion-mnist{Environment.NewLine}" +
                "or pass --data DIR with the four IDX files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz).");
        }

        return (IdxDataset.Load(paths[0], paths[1]), IdxDataset.Load(paths[2], paths[3]));
    }

    /// <summary>
    /// <see cref="Load"/> for a sample's entry point: on missing or malformed files it prints what is wrong
    /// (and how to install the data) to standard error and returns false.
    /// </summary>
    public static bool TryLoad(string directory, out Dataset train, out Dataset test)
    {
        try
        {
            (train, test) = Load(directory);
            return true;
        }
        catch (Exception exception) when (exception is FileNotFoundException or InvalidDataException)
        {
            Console.Error.WriteLine(exception.Message);
            (train, test) = (null!, null!);
            return false;
        }
    }

    /// <summary>The normalisation stored in a saved model's metadata by the training sample.</summary>
    public static Normalization NormalizationFrom(System.Collections.Generic.IReadOnlyDictionary<string, string> metadata, string path)
    {
        if (!metadata.TryGetValue(MeanKey, out string? mean) || !metadata.TryGetValue(StdKey, out string? std))
        {
            throw new InvalidDataException($"{path}: no '{MeanKey}' and '{StdKey}' metadata; save the model with the FashionMnist sample, which records the normalisation it trained with.");
        }

        return new Normalization(new[] { float.Parse(mean, CultureInfo.InvariantCulture) }, new[] { float.Parse(std, CultureInfo.InvariantCulture) });
    }

    /// <summary>Metadata keys of the normalisation a model was trained with.</summary>
    public const string MeanKey = "normalization.mean";

    /// <inheritdoc cref="MeanKey"/>
    public const string StdKey = "normalization.std";
}
