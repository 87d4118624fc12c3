using System;
using System.Linq;
using Xunit;

namespace StaticNet.Tests;

/// <summary>Each image transformation does what its name says, reproducibly from a seed, without allocating.</summary>
public class AugmentationTests
{
    // Two channels of 4 rows and 5 columns, every pixel distinct: value = 100 * channel + 10 * row + column.
    private static readonly ImageShape Shape = new(2, 4, 5);

    private static float[] Image() => Enumerable.Range(0, Shape.Length).Select(i => (float)((100 * (i / 20)) + (10 * (i % 20 / 5)) + (i % 5))).ToArray();

    private static float Pixel(float[] image, int c, int y, int x) => image[(c * 20) + (y * 5) + x];

    private static float[] Apply(ImageTransform transform, float[] image, int seed)
    {
        var augmentation = new ImageAugmentation(transform);
        augmentation.Prepare(new[] { Shape.Channels, Shape.Height, Shape.Width }, "test");
        float[] result = (float[])image.Clone();
        augmentation.Apply(result, 1, new RandomStream(seed));
        return result;
    }

    [Fact]
    public void FlipsMirrorEveryChannel()
    {
        float[] image = Image();
        float[] horizontal = Apply(new RandomHorizontalFlip(1), image, 1);
        float[] vertical = Apply(new RandomVerticalFlip(1), image, 1);
        for (int c = 0; c < 2; c++)
        {
            for (int y = 0; y < 4; y++)
            {
                for (int x = 0; x < 5; x++)
                {
                    Assert.Equal(Pixel(image, c, y, 4 - x), Pixel(horizontal, c, y, x));
                    Assert.Equal(Pixel(image, c, 3 - y, x), Pixel(vertical, c, y, x));
                }
            }
        }

        Assert.Equal(image, Apply(new RandomHorizontalFlip(0), image, 1));
    }

    [Fact]
    public void ATranslationShiftsWithinItsRangeAndFillsTheRest()
    {
        float[] image = Image();
        var seen = new System.Collections.Generic.HashSet<(int, int)>();
        for (int seed = 0; seed < 200; seed++)
        {
            float[] shifted = Apply(new RandomTranslation(2, 1, fill: -7f), image, seed);
            (int dx, int dy) = FindShift(image, shifted, 2, 1, -7f);
            seen.Add((dx, dy));
        }

        // Every shift in [-2, 2] x [-1, 1] happens, and nothing else does.
        Assert.Equal(15, seen.Count);

        // RandomCrop(padding) is the same as a translation of up to the padding each way.
        Assert.Equal(Apply(new RandomTranslation(1, 1, 3f), image, 5), Apply(new RandomCrop(1, 3f), image, 5));
    }

    [Fact]
    public void ARotationKeepsTheCentreAndIsBoundedByItsFill()
    {
        // A 1x5x5 image: the centre pixel maps onto itself for every angle.
        var augmentation = new ImageAugmentation(new RandomRotation(30, fill: 0f));
        augmentation.Prepare(new[] { 1, 5, 5 }, "test");
        float[] image = Enumerable.Range(0, 25).Select(i => (float)i).ToArray();
        for (int seed = 0; seed < 20; seed++)
        {
            float[] rotated = (float[])image.Clone();
            augmentation.Apply(rotated, 1, new RandomStream(seed));
            Assert.Equal(12f, rotated[12], 4);
            Assert.All(rotated, v => Assert.InRange(v, 0f, 24f));
            Assert.NotEqual(image, rotated);
        }

        var none = new ImageAugmentation(new RandomRotation(0));
        none.Prepare(new[] { 1, 5, 5 }, "test");
        float[] same = (float[])image.Clone();
        none.Apply(same, 1, new RandomStream(1));
        Assert.Equal(image, same);
    }

    [Fact]
    public void ErasingSetsOneRectangleOfEveryChannelWithinTheScaleRange()
    {
        var augmentation = new ImageAugmentation(new RandomErasing(1, 0.1, 0.3, 0.5, 2, value: -1f));
        augmentation.Prepare(new[] { 2, 10, 10 }, "test");
        for (int seed = 0; seed < 50; seed++)
        {
            var image = new float[200];
            Array.Fill(image, 5f);
            augmentation.Apply(image, 1, new RandomStream(seed));
            int[] erased = Enumerable.Range(0, 100).Where(i => image[i] == -1f).ToArray();
            Assert.Equal(erased, Enumerable.Range(0, 100).Where(i => image[100 + i] == -1f));
            int top = erased.Min() / 10, bottom = erased.Max() / 10, left = erased.Min(i => i % 10), right = erased.Max(i => i % 10);
            int h = bottom - top + 1, w = right - left + 1;
            Assert.Equal(h * w, erased.Length);
            Assert.InRange(erased.Length, 5, 35);
        }
    }

    [Fact]
    public void NoiseHasTheRequestedSpreadAndWorksOnAnyShape()
    {
        var augmentation = new ImageAugmentation(new GaussianNoise(0.5));
        augmentation.Prepare(new[] { 4000 }, "flat");
        var values = new float[4000];
        augmentation.Apply(values, 1, new RandomStream(3));
        double mean = values.Average(), std = Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
        Assert.InRange(mean, -0.05, 0.05);
        Assert.InRange(std, 0.47, 0.53);

        var flip = new ImageAugmentation(new RandomHorizontalFlip());
        Assert.Contains("RandomHorizontalFlip needs images of shape [channels, height, width], but flat.csv has samples of shape [4000]", Assert.Throws<ArgumentException>(() => flip.Prepare(new[] { 4000 }, "flat.csv")).Message);
    }

    [Fact]
    public void APipelineIsReproducibleFromItsSeedAndAllocatesNothing()
    {
        var augmentation = new ImageAugmentation(
            new RandomHorizontalFlip(), new RandomVerticalFlip(), new RandomCrop(1), new RandomRotation(20), new RandomErasing(), new GaussianNoise(0.1));
        augmentation.Prepare(new[] { 2, 4, 5 }, "test");
        float[] batch = Enumerable.Repeat(Image(), 8).SelectMany(i => i).ToArray();
        float[] first = (float[])batch.Clone(), second = (float[])batch.Clone(), other = (float[])batch.Clone();
        var random = new RandomStream(0);
        random.Reseed(7, 1);
        augmentation.Apply(first, 8, random);
        random.Reseed(7, 1);
        augmentation.Apply(second, 8, random);
        random.Reseed(7, 2);
        augmentation.Apply(other, 8, random);

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
        Assert.NotEqual(batch, first);
        Assert.Equal(0, SteadyAllocation.Fewest(() => augmentation.Apply(other, 8, random)));
    }

    // The (dx, dy) for which the shifted image shows the input moved by (dx, dy), with fill elsewhere.
    private static (int Dx, int Dy) FindShift(float[] image, float[] shifted, int maxX, int maxY, float fill)
    {
        for (int dy = -maxY; dy <= maxY; dy++)
        {
            for (int dx = -maxX; dx <= maxX; dx++)
            {
                bool match = true;
                for (int c = 0; c < 2 && match; c++)
                {
                    for (int y = 0; y < 4 && match; y++)
                    {
                        for (int x = 0; x < 5 && match; x++)
                        {
                            int sx = x - dx, sy = y - dy;
                            float expected = sx >= 0 && sx < 5 && sy >= 0 && sy < 4 ? Pixel(image, c, sy, sx) : fill;
                            match = Pixel(shifted, c, y, x) == expected;
                        }
                    }
                }

                if (match)
                {
                    return (dx, dy);
                }
            }
        }

        throw new Xunit.Sdk.XunitException("The output is no shift of the input within the range.");
    }
}
