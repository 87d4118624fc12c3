using System;
using System.Collections.Generic;

namespace StaticNet;

/// <summary>
/// Random transformations of training images, applied by the trainer to each batch after it is gathered
/// (the dataset itself never changes) in the order given. Reproducible: the trainer reseeds the random
/// stream for every batch from its seed, the epoch and the batch, so a resumed run augments exactly as
/// the run it continues. Allocates nothing per batch: one image of scratch space is allocated once.
/// Samples are [channels, height, width], already normalised; fill values are in those units.
/// </summary>
/// <example>
/// <code>
/// trainer.Augmentation = new ImageAugmentation(
///     new RandomHorizontalFlip(),
///     new RandomCrop(padding: 2, fill: background),
///     new RandomErasing());
/// </code>
/// </example>
public sealed class ImageAugmentation
{
    private readonly ImageTransform[] _transforms;
    private float[] _scratch = Array.Empty<float>();
    private ImageShape _shape;

    /// <summary>Creates the pipeline; <paramref name="transforms"/> run in this order on every sample.</summary>
    public ImageAugmentation(params ImageTransform[] transforms)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        foreach (ImageTransform transform in transforms)
        {
            ArgumentNullException.ThrowIfNull(transform, nameof(transforms));
        }

        _transforms = (ImageTransform[])transforms.Clone();
    }

    /// <summary>The transformations, in order.</summary>
    public IReadOnlyList<ImageTransform> Transforms => _transforms;

    /// <summary>
    /// Checks that every transformation can work on samples of <paramref name="sampleShape"/> and
    /// allocates the scratch space; the trainer calls it once before training.
    /// </summary>
    public void Prepare(IReadOnlyList<int> sampleShape, string source)
    {
        ArgumentNullException.ThrowIfNull(sampleShape);
        if (sampleShape.Count == 3)
        {
            _shape = new ImageShape(sampleShape[0], sampleShape[1], sampleShape[2]);
        }
        else
        {
            int length = 1;
            foreach (int size in sampleShape)
            {
                length *= size;
            }

            _shape = new ImageShape(1, 1, length);
            foreach (ImageTransform transform in _transforms)
            {
                if (transform.NeedsImage)
                {
                    throw new ArgumentException($"{transform.GetType().Name} needs images of shape [channels, height, width], but {source} has samples of shape [{string.Join(", ", sampleShape)}].", nameof(sampleShape));
                }
            }
        }

        if (_scratch.Length < _shape.Length)
        {
            _scratch = new float[_shape.Length];
        }
    }

    /// <summary>Transforms the first <paramref name="count"/> samples of <paramref name="batch"/> in place, drawing from <paramref name="random"/>.</summary>
    public void Apply(Span<float> batch, int count, RandomStream random)
    {
        ArgumentNullException.ThrowIfNull(random);
        int length = _shape.Length;
        if (length == 0)
        {
            throw new InvalidOperationException("Call Prepare with the sample shape before Apply.");
        }

        if (batch.Length < (long)count * length)
        {
            throw new ArgumentException($"The batch holds {batch.Length} values, but {count} samples of {length} need {(long)count * length}.", nameof(batch));
        }

        Span<float> scratch = _scratch.AsSpan(0, length);
        for (int s = 0; s < count; s++)
        {
            Span<float> image = batch.Slice(s * length, length);
            foreach (ImageTransform transform in _transforms)
            {
                transform.Apply(image, _shape, scratch, random);
            }
        }
    }
}

/// <summary>The shape of one image: channels, height, width.</summary>
/// <param name="Channels">Channels (planes).</param>
/// <param name="Height">Rows.</param>
/// <param name="Width">Columns.</param>
public readonly record struct ImageShape(int Channels, int Height, int Width)
{
    /// <summary>Values in one image.</summary>
    public int Length => Channels * Height * Width;

    /// <summary>Values in one plane.</summary>
    public int Plane => Height * Width;
}

/// <summary>One random transformation of an image, in place. Implementations must not allocate.</summary>
public abstract class ImageTransform
{
    /// <summary>Whether the transformation needs samples of shape [channels, height, width] (rather than any shape).</summary>
    public virtual bool NeedsImage => true;

    /// <summary>Transforms <paramref name="image"/> in place; <paramref name="scratch"/> holds one image.</summary>
    public abstract void Apply(Span<float> image, ImageShape shape, Span<float> scratch, RandomStream random);

    /// <summary>Throws unless <paramref name="probability"/> is in [0, 1].</summary>
    private protected static double CheckProbability(double probability, string argument) =>
        probability >= 0 && probability <= 1 ? probability : throw new ArgumentOutOfRangeException(argument, probability, "A probability must be from 0 to 1.");
}

/// <summary>Mirrors the image left to right with probability <paramref name="probability"/>, as torchvision's <c>RandomHorizontalFlip</c>.</summary>
/// <param name="probability">The chance of a flip; torchvision's default 0.5.</param>
public sealed class RandomHorizontalFlip(double probability = 0.5) : ImageTransform
{
    /// <summary>The chance of a flip.</summary>
    public double Probability { get; } = CheckProbability(probability, nameof(probability));

    /// <inheritdoc/>
    public override void Apply(Span<float> image, ImageShape shape, Span<float> scratch, RandomStream random)
    {
        if (random.NextDouble() >= Probability)
        {
            return;
        }

        for (int row = 0; row < shape.Channels * shape.Height; row++)
        {
            image.Slice(row * shape.Width, shape.Width).Reverse();
        }
    }
}

/// <summary>Mirrors the image top to bottom with probability <paramref name="probability"/>, as torchvision's <c>RandomVerticalFlip</c>.</summary>
/// <param name="probability">The chance of a flip; torchvision's default 0.5.</param>
public sealed class RandomVerticalFlip(double probability = 0.5) : ImageTransform
{
    /// <summary>The chance of a flip.</summary>
    public double Probability { get; } = CheckProbability(probability, nameof(probability));

    /// <inheritdoc/>
    public override void Apply(Span<float> image, ImageShape shape, Span<float> scratch, RandomStream random)
    {
        if (random.NextDouble() >= Probability)
        {
            return;
        }

        Span<float> row = scratch.Slice(0, shape.Width);
        for (int c = 0; c < shape.Channels; c++)
        {
            Span<float> plane = image.Slice(c * shape.Plane, shape.Plane);
            for (int top = 0, bottom = shape.Height - 1; top < bottom; top++, bottom--)
            {
                Span<float> upper = plane.Slice(top * shape.Width, shape.Width), lower = plane.Slice(bottom * shape.Width, shape.Width);
                upper.CopyTo(row);
                lower.CopyTo(upper);
                row.CopyTo(lower);
            }
        }
    }
}

/// <summary>
/// Shifts the image by a whole number of pixels, uniform in [-<paramref name="maxShiftX"/>, <paramref name="maxShiftX"/>]
/// and [-<paramref name="maxShiftY"/>, <paramref name="maxShiftY"/>], filling uncovered pixels with <paramref name="fill"/>.
/// </summary>
/// <param name="maxShiftX">The largest horizontal shift in pixels.</param>
/// <param name="maxShiftY">The largest vertical shift in pixels.</param>
/// <param name="fill">The value of uncovered pixels, in normalised units (the background's normalised value keeps the background).</param>
public class RandomTranslation(int maxShiftX, int maxShiftY, float fill = 0f) : ImageTransform
{
    /// <summary>The largest horizontal shift in pixels.</summary>
    public int MaxShiftX { get; } = maxShiftX >= 0 ? maxShiftX : throw new ArgumentOutOfRangeException(nameof(maxShiftX), maxShiftX, "A shift must be at least 0.");

    /// <summary>The largest vertical shift in pixels.</summary>
    public int MaxShiftY { get; } = maxShiftY >= 0 ? maxShiftY : throw new ArgumentOutOfRangeException(nameof(maxShiftY), maxShiftY, "A shift must be at least 0.");

    /// <summary>The value of uncovered pixels.</summary>
    public float Fill { get; } = fill;

    /// <inheritdoc/>
    public override void Apply(Span<float> image, ImageShape shape, Span<float> scratch, RandomStream random)
    {
        int dx = random.NextInt((2 * MaxShiftX) + 1) - MaxShiftX;
        int dy = random.NextInt((2 * MaxShiftY) + 1) - MaxShiftY;
        if (dx == 0 && dy == 0)
        {
            return;
        }

        image.CopyTo(scratch);
        image.Fill(Fill);
        int width = shape.Width, height = shape.Height;
        int copyWidth = width - Math.Abs(dx);
        if (copyWidth <= 0 || Math.Abs(dy) >= height)
        {
            return;
        }

        for (int c = 0; c < shape.Channels; c++)
        {
            int plane = c * shape.Plane;
            for (int y = Math.Max(0, dy); y < Math.Min(height, height + dy); y++)
            {
                // Output pixel (x, y) shows input pixel (x - dx, y - dy).
                scratch.Slice(plane + ((y - dy) * width) + Math.Max(0, -dx), copyWidth)
                    .CopyTo(image.Slice(plane + (y * width) + Math.Max(0, dx), copyWidth));
            }
        }
    }
}

/// <summary>
/// torchvision's <c>RandomCrop(size, padding)</c> at the image's own size: pads by <paramref name="padding"/>
/// pixels of <paramref name="fill"/> and crops back at a uniformly random offset, which is a shift of up
/// to <paramref name="padding"/> pixels each way.
/// </summary>
/// <param name="padding">The padding on each side, in pixels.</param>
/// <param name="fill">The padding value, in normalised units.</param>
public sealed class RandomCrop(int padding, float fill = 0f) : RandomTranslation(padding, padding, fill);

/// <summary>
/// Rotates the image about its centre by an angle uniform in [-<paramref name="degrees"/>, <paramref name="degrees"/>],
/// with bilinear interpolation (torchvision's <c>RandomRotation</c> defaults to nearest; bilinear keeps
/// small images smoother), filling pixels that come from outside with <paramref name="fill"/>.
/// </summary>
/// <param name="degrees">The largest angle, in degrees.</param>
/// <param name="fill">The value outside the source image, in normalised units.</param>
public sealed class RandomRotation(double degrees, float fill = 0f) : ImageTransform
{
    /// <summary>The largest angle, in degrees.</summary>
    public double Degrees { get; } = degrees >= 0 && degrees <= 180 ? degrees : throw new ArgumentOutOfRangeException(nameof(degrees), degrees, "The angle must be from 0 to 180 degrees.");

    /// <summary>The value outside the source image.</summary>
    public float Fill { get; } = fill;

    /// <inheritdoc/>
    public override void Apply(Span<float> image, ImageShape shape, Span<float> scratch, RandomStream random)
    {
        double angle = ((random.NextDouble() * 2) - 1) * Degrees * Math.PI / 180;
        if (angle == 0)
        {
            return;
        }

        image.CopyTo(scratch);
        float cos = (float)Math.Cos(angle), sin = (float)Math.Sin(angle);
        float centreX = (shape.Width - 1) / 2f, centreY = (shape.Height - 1) / 2f;
        int width = shape.Width, height = shape.Height;
        for (int c = 0; c < shape.Channels; c++)
        {
            ReadOnlySpan<float> source = scratch.Slice(c * shape.Plane, shape.Plane);
            Span<float> target = image.Slice(c * shape.Plane, shape.Plane);
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    // The inverse rotation gives where each output pixel comes from.
                    float u = x - centreX, v = y - centreY;
                    float sourceX = (cos * u) + (sin * v) + centreX;
                    float sourceY = (-sin * u) + (cos * v) + centreY;
                    target[(y * width) + x] = Bilinear(source, width, height, sourceX, sourceY, Fill);
                }
            }
        }
    }

    private static float Bilinear(ReadOnlySpan<float> plane, int width, int height, float x, float y, float fill)
    {
        int x0 = (int)MathF.Floor(x), y0 = (int)MathF.Floor(y);
        float fx = x - x0, fy = y - y0;
        float top = ((1 - fx) * At(plane, width, height, x0, y0, fill)) + (fx * At(plane, width, height, x0 + 1, y0, fill));
        float bottom = ((1 - fx) * At(plane, width, height, x0, y0 + 1, fill)) + (fx * At(plane, width, height, x0 + 1, y0 + 1, fill));
        return ((1 - fy) * top) + (fy * bottom);
    }

    private static float At(ReadOnlySpan<float> plane, int width, int height, int x, int y, float fill) =>
        (uint)x < (uint)width && (uint)y < (uint)height ? plane[(y * width) + x] : fill;
}

/// <summary>
/// torchvision's <c>RandomErasing</c> (Zhong et al., 2020): with probability <paramref name="probability"/>,
/// sets a random rectangle of every channel to <paramref name="value"/>. The rectangle covers a fraction of
/// the image uniform in [<paramref name="minScale"/>, <paramref name="maxScale"/>] with an aspect ratio
/// log-uniform in [<paramref name="minRatio"/>, <paramref name="maxRatio"/>]; up to 10 tries find one that fits,
/// else the image is left alone.
/// </summary>
/// <param name="probability">The chance of erasing; torchvision's default 0.5.</param>
/// <param name="minScale">The smallest erased fraction; default 0.02.</param>
/// <param name="maxScale">The largest erased fraction; default 0.33.</param>
/// <param name="minRatio">The smallest aspect ratio (height / width); default 0.3.</param>
/// <param name="maxRatio">The largest aspect ratio; default 3.3.</param>
/// <param name="value">The erased value, in normalised units; default 0 (the mean after standardisation).</param>
public sealed class RandomErasing(double probability = 0.5, double minScale = 0.02, double maxScale = 0.33, double minRatio = 0.3, double maxRatio = 3.3, float value = 0f) : ImageTransform
{
    /// <summary>The chance of erasing.</summary>
    public double Probability { get; } = CheckProbability(probability, nameof(probability));

    /// <summary>The smallest erased fraction of the image.</summary>
    public double MinScale { get; } = minScale > 0 && minScale <= maxScale && maxScale <= 1 ? minScale : throw new ArgumentOutOfRangeException(nameof(minScale), $"The scale range [{minScale}, {maxScale}] must be ordered and inside (0, 1].");

    /// <summary>The largest erased fraction of the image.</summary>
    public double MaxScale { get; } = maxScale;

    /// <summary>The smallest aspect ratio.</summary>
    public double MinRatio { get; } = minRatio > 0 && minRatio <= maxRatio ? minRatio : throw new ArgumentOutOfRangeException(nameof(minRatio), $"The ratio range [{minRatio}, {maxRatio}] must be ordered and above 0.");

    /// <summary>The largest aspect ratio.</summary>
    public double MaxRatio { get; } = maxRatio;

    /// <summary>The erased value.</summary>
    public float Value { get; } = value;

    /// <inheritdoc/>
    public override void Apply(Span<float> image, ImageShape shape, Span<float> scratch, RandomStream random)
    {
        if (random.NextDouble() >= Probability)
        {
            return;
        }

        double area = shape.Plane, logMin = Math.Log(MinRatio), logMax = Math.Log(MaxRatio);
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double erased = area * (MinScale + ((MaxScale - MinScale) * random.NextDouble()));
            double ratio = Math.Exp(logMin + ((logMax - logMin) * random.NextDouble()));
            int h = (int)Math.Round(Math.Sqrt(erased * ratio));
            int w = (int)Math.Round(Math.Sqrt(erased / ratio));
            if (h < 1 || w < 1 || h >= shape.Height || w >= shape.Width)
            {
                continue;
            }

            int top = random.NextInt(shape.Height - h + 1), left = random.NextInt(shape.Width - w + 1);
            for (int c = 0; c < shape.Channels; c++)
            {
                for (int y = top; y < top + h; y++)
                {
                    image.Slice((c * shape.Plane) + (y * shape.Width) + left, w).Fill(Value);
                }
            }

            return;
        }
    }
}

/// <summary>Adds Gaussian noise of standard deviation <paramref name="standardDeviation"/> to every value, as Keras's <c>GaussianNoise</c>. Works on samples of any shape.</summary>
/// <param name="standardDeviation">The noise's standard deviation, in normalised units.</param>
public sealed class GaussianNoise(double standardDeviation) : ImageTransform
{
    /// <summary>The noise's standard deviation.</summary>
    public double StandardDeviation { get; } = standardDeviation >= 0 && double.IsFinite(standardDeviation) ? standardDeviation : throw new ArgumentOutOfRangeException(nameof(standardDeviation), standardDeviation, "The standard deviation must be a finite number of at least 0.");

    /// <inheritdoc/>
    public override bool NeedsImage => false;

    /// <inheritdoc/>
    public override void Apply(Span<float> image, ImageShape shape, Span<float> scratch, RandomStream random)
    {
        float std = (float)StandardDeviation;
        for (int i = 0; i < image.Length; i++)
        {
            image[i] += std * random.NextGaussian();
        }
    }
}
