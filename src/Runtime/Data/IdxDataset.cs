using System;
using System.IO;

namespace StaticNet;

/// <summary>Loads an image classification dataset from a pair of IDX files (MNIST, Fashion-MNIST).</summary>
public static class IdxDataset
{
    /// <summary>
    /// Loads images (shape [count, rows, columns]) and their labels, with pixel values scaled from
    /// 0..255 to 0..1. Each sample has shape [1, rows, columns].
    /// </summary>
    /// <param name="imagesPath">The images file (<c>train-images-idx3-ubyte.gz</c>).</param>
    /// <param name="labelsPath">The labels file (<c>train-labels-idx1-ubyte.gz</c>).</param>
    /// <param name="classCount">The number of classes; every label must be below it.</param>
    public static Dataset Load(string imagesPath, string labelsPath, int classCount = 10)
    {
        if (classCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "The class count must be at least 1.");
        }

        (int[] imageDimensions, byte[] pixels) = IdxFile.Read(imagesPath);
        (int[] labelDimensions, byte[] labelBytes) = IdxFile.Read(labelsPath);
        if (imageDimensions.Length != 3)
        {
            throw new InvalidDataException($"{imagesPath}: expected images of shape [count, rows, columns], found [{string.Join(", ", imageDimensions)}].");
        }

        if (Array.IndexOf(imageDimensions, 0) >= 0)
        {
            throw new InvalidDataException($"{imagesPath}: images of shape [{string.Join(", ", imageDimensions)}] hold no pixels; expected at least one image of at least 1x1.");
        }

        if (labelDimensions.Length != 1)
        {
            throw new InvalidDataException($"{labelsPath}: expected labels of shape [count], found [{string.Join(", ", labelDimensions)}].");
        }

        if (imageDimensions[0] != labelDimensions[0])
        {
            throw new InvalidDataException($"{imagesPath} holds {imageDimensions[0]} images, but {labelsPath} holds {labelDimensions[0]} labels.");
        }

        var features = new float[pixels.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            features[i] = pixels[i] / 255f;
        }

        var labels = new int[labelBytes.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = labelBytes[i];
            if (labels[i] >= classCount)
            {
                throw new InvalidDataException($"{labelsPath}: label {i} is {labels[i]}, outside the {classCount} classes 0 to {classCount - 1}.");
            }
        }

        return new Dataset(features, new[] { 1, imageDimensions[1], imageDimensions[2] }, labels, classCount, Path.GetFileName(imagesPath));
    }
}
