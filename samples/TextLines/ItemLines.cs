using System;
using System.Collections.Generic;

namespace StaticNet.Samples;

/// <summary>
/// Lines of Fashion-MNIST items side by side, made from a set of images: a line is one to five of them,
/// placed left to right without overlap at random positions on a black strip 28 x 140 pixels (five items
/// fill it), and its target is the sequence of their classes. Everything is drawn from a seed. Lines for
/// training can mirror each item at random (a mirrored item is of the same class, and its line reads the
/// same), which shows the network twice the variety for nothing.
/// </summary>
public static class ItemLines
{
    /// <summary>The height of a line and of an item.</summary>
    public const int Height = 28;

    /// <summary>The width of an item.</summary>
    public const int ItemWidth = 28;

    /// <summary>The most items on a line.</summary>
    public const int MaxItems = 5;

    /// <summary>The width of a line: five items side by side.</summary>
    public const int Width = MaxItems * ItemWidth;

    /// <summary>
    /// Lines made from <paramref name="images"/> (1x28x28, pixels in 0..1, with class labels): each pass
    /// shuffles the images and deals them out, in that order, into lines of one to five items (the number
    /// uniform), so that every image appears on exactly <paramref name="passes"/> lines; with
    /// <paramref name="mirror"/>, each item is mirrored left to right with probability 1/2.
    /// </summary>
    public static Dataset Compose(Dataset images, int passes, int seed, string source, bool mirror = false)
    {
        if (images.Labels is null || images.SampleLength != Height * ItemWidth)
        {
            throw new ArgumentException($"{images.Source}: lines are made of 28x28 images with class labels.", nameof(images));
        }

        var random = new RandomStream(seed, 0x11E5);
        var order = new int[images.Count];
        var lines = new List<int[]>();
        for (int pass = 0; pass < passes; pass++)
        {
            for (int i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            random.Shuffle(order.AsSpan());
            for (int start = 0; start < order.Length;)
            {
                int count = Math.Min(1 + random.NextInt(MaxItems), order.Length - start);
                lines.Add(order[start..(start + count)]);
                start += count;
            }
        }

        var features = new float[(long)lines.Count * Height * Width];
        var sequences = new int[lines.Count][];
        Span<int> left = stackalloc int[MaxItems];
        for (int line = 0; line < lines.Count; line++)
        {
            int[] items = lines[line];
            Span<float> strip = features.AsSpan(line * Height * Width, Height * Width);

            // The free width, shared out at random: n draws from 0 to the free width, sorted, are how far
            // each item sits to the right of where it would touch its left neighbour, the first the left edge.
            int free = Width - (items.Length * ItemWidth);
            for (int k = 0; k < items.Length; k++)
            {
                left[k] = random.NextInt(free + 1);
            }

            left[..items.Length].Sort();
            sequences[line] = new int[items.Length];
            for (int k = 0; k < items.Length; k++)
            {
                int x = left[k] + (k * ItemWidth);
                ReadOnlySpan<float> image = images.Sample(items[k]);
                bool mirrored = mirror && random.NextInt(2) == 1;
                for (int row = 0; row < Height; row++)
                {
                    Span<float> target = strip.Slice((row * Width) + x, ItemWidth);
                    image.Slice(row * ItemWidth, ItemWidth).CopyTo(target);
                    if (mirrored)
                    {
                        target.Reverse();
                    }
                }

                sequences[line][k] = images.Labels[items[k]];
            }
        }

        return new Dataset(features, new[] { 1, Height, Width }, sequences, images.ClassCount, source) { ClassNames = images.ClassNames };
    }
}
