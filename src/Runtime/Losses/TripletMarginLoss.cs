using System;

namespace StaticNet;

/// <summary>
/// The triplet margin loss for learning embeddings, as PyTorch's <c>nn.TripletMarginLoss</c>: for each
/// triplet of an anchor <c>a</c>, a positive <c>p</c> of the same class and a negative <c>n</c> of another,
/// <c>max(d(a, p) - d(a, n) + margin, 0)</c>, by default averaged over the triplets (summed with
/// <see cref="LossReduction.Sum"/>), where
/// <c>d(u, v) = ||u - v + eps||_p</c> (PyTorch's <c>pairwise_distance</c>). With <see cref="Swap"/>, the
/// negative's distance is the smaller of d(a, n) and d(p, n).
/// </summary>
/// <remarks>
/// The network's outputs are embeddings, and a batch holds whole triplets one after another: samples
/// 3k, 3k + 1 and 3k + 2 are the anchor, the positive and the negative of triplet k. The targets are
/// the samples' class indices, checked to make each triplet valid (anchor and positive of one class,
/// the negative of another), so a batch in the wrong order fails with a message naming the triplet.
/// Train with <c>Trainer.TrainStep</c> on batches of triplets; <c>Trainer.Fit</c> shuffles samples
/// one by one and would break them up.
/// </remarks>
public sealed class TripletMarginLoss : ILoss
{
    private const string Triplet = "triplet";

    /// <summary>Creates the loss; the arguments are PyTorch's, with its defaults.</summary>
    /// <param name="margin">How much farther than the positive the negative must be; 0 or above.</param>
    /// <param name="norm">The degree of the distance's norm (PyTorch's <c>p</c>); at least 1.</param>
    /// <param name="epsilon">Added to each difference, so the distance's gradient exists at 0.</param>
    /// <param name="swap">Whether to use the smaller of the anchor's and the positive's distance to the negative.</param>
    /// <param name="reduction">How the triplets' losses become one; default <see cref="LossReduction.Mean"/>, as in PyTorch.</param>
    public TripletMarginLoss(double margin = 1.0, double norm = 2.0, double epsilon = 1e-6, bool swap = false, LossReduction reduction = LossReduction.Mean)
    {
        Reduction = LossReductions.Checked(reduction);
        if (!(margin >= 0) || double.IsInfinity(margin))
        {
            throw new ArgumentOutOfRangeException(nameof(margin), margin, "The margin must be a finite number, 0 or above.");
        }

        if (!(norm >= 1) || double.IsInfinity(norm))
        {
            throw new ArgumentOutOfRangeException(nameof(norm), norm, "The norm's degree must be a finite number, 1 or above.");
        }

        if (!(epsilon >= 0) || double.IsInfinity(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Epsilon must be a finite number, 0 or above.");
        }

        Margin = margin;
        Norm = norm;
        Epsilon = epsilon;
        Swap = swap;
    }

    /// <summary>How much farther than the positive the negative must be.</summary>
    public double Margin { get; }

    /// <summary>The degree of the distance's norm.</summary>
    public double Norm { get; }

    /// <summary>Added to each difference before the norm.</summary>
    public double Epsilon { get; }

    /// <summary>Whether the negative's distance is the smaller of its distances to the anchor and to the positive.</summary>
    public bool Swap { get; }

    /// <inheritdoc/>
    public string Name => "triplet margin";

    /// <inheritdoc/>
    public bool UsesLabels => true;

    /// <inheritdoc/>
    public LossReduction Reduction { get; }

    /// <inheritdoc/>
    public float Compute(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> outputGradient, int batchSize)
    {
        LossReductions.RefuseNone(Reduction, Name, Triplet);
        return Run(outputs, targets, Span<float>.Empty, outputGradient, batchSize, unreduced: false);
    }

    /// <summary>
    /// Writes each triplet's loss into <paramref name="losses"/> (PyTorch's <c>reduction='none'</c>,
    /// <c>batchSize / 3</c> values) and returns the loss reduced as <see cref="Reduction"/> says (the sum for
    /// <see cref="LossReduction.None"/>); unless <paramref name="outputGradient"/> is empty, writes that value's gradient.
    /// </summary>
    public float ComputeUnreduced(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> losses, Span<float> outputGradient, int batchSize) =>
        Run(outputs, targets, losses, outputGradient, batchSize, unreduced: true);

    private float Run(ReadOnlySpan<float> outputs, BatchTargets targets, Span<float> losses, Span<float> outputGradient, int batchSize, bool unreduced)
    {
        int dimensions = LossChecks.OutputLength(outputs, outputGradient, batchSize);
        if (batchSize % 3 != 0)
        {
            throw new ArgumentException($"The {Name} loss takes batches of whole triplets (anchor, positive, negative), but the batch has {batchSize} samples, not a multiple of 3.", nameof(batchSize));
        }

        ReadOnlySpan<int> labels = LossChecks.Labels(targets, batchSize, Name);
        int triplets = batchSize / 3;
        for (int k = 0; k < triplets; k++)
        {
            int anchor = labels[3 * k], positive = labels[(3 * k) + 1], negative = labels[(3 * k) + 2];
            if (anchor != positive || anchor == negative)
            {
                throw new ArgumentException($"Triplet {k} (samples {3 * k} to {(3 * k) + 2}) has classes {anchor}, {positive}, {negative}: the {Name} loss needs an anchor and a positive of one class and a negative of another.", nameof(targets));
            }
        }

        if (unreduced)
        {
            losses = LossReductions.Unreduced(losses, triplets, Triplet);
            losses.Clear();
        }

        if (!outputGradient.IsEmpty)
        {
            outputGradient.Slice(0, outputs.Length).Clear();
        }

        double total = 0;
        float divisor = LossReductions.Divisor(Reduction, triplets);
        for (int k = 0; k < triplets; k++)
        {
            ReadOnlySpan<float> a = outputs.Slice(3 * k * dimensions, dimensions);
            ReadOnlySpan<float> p = outputs.Slice(((3 * k) + 1) * dimensions, dimensions);
            ReadOnlySpan<float> n = outputs.Slice(((3 * k) + 2) * dimensions, dimensions);
            double positiveDistance = Distance(a, p);
            double negativeDistance = Distance(a, n);
            bool swapped = false;
            if (Swap)
            {
                double other = Distance(p, n);
                if (other < negativeDistance)
                {
                    (negativeDistance, swapped) = (other, true);
                }
            }

            double loss = positiveDistance - negativeDistance + Margin;
            if (loss <= 0)
            {
                continue;
            }

            total += loss;
            if (unreduced)
            {
                losses[k] = (float)loss;
            }

            if (outputGradient.IsEmpty)
            {
                continue;
            }

            // loss = d(a, p) - d(a or p, n) + margin: each distance's gradient goes to its first point, negated to its second.
            float scale = 1f / divisor;
            Span<float> da = outputGradient.Slice(3 * k * dimensions, dimensions);
            Span<float> dp = outputGradient.Slice(((3 * k) + 1) * dimensions, dimensions);
            Span<float> dn = outputGradient.Slice(((3 * k) + 2) * dimensions, dimensions);
            AddDistanceGradient(a, p, positiveDistance, scale, da, dp);
            AddDistanceGradient(swapped ? p : a, n, negativeDistance, -scale, swapped ? dp : da, dn);
        }

        return (float)(total / divisor);
    }

    /// <summary><c>||u - v + eps||_p</c>.</summary>
    private double Distance(ReadOnlySpan<float> u, ReadOnlySpan<float> v)
    {
        double sum = 0;
        for (int i = 0; i < u.Length; i++)
        {
            sum += Math.Pow(Math.Abs((double)u[i] - v[i] + Epsilon), Norm);
        }

        return Math.Pow(sum, 1 / Norm);
    }

    /// <summary>
    /// Adds <paramref name="scale"/> times the gradient of <c>||u - v + eps||_p</c> to <paramref name="du"/> and
    /// subtracts it from <paramref name="dv"/>: with w = u - v + eps, d/du = <c>sign(w) |w|^(p-1) / ||w||^(p-1)</c>.
    /// </summary>
    private void AddDistanceGradient(ReadOnlySpan<float> u, ReadOnlySpan<float> v, double distance, float scale, Span<float> du, Span<float> dv)
    {
        double denominator = Math.Pow(distance, Norm - 1);
        if (denominator == 0)
        {
            return;
        }

        for (int i = 0; i < u.Length; i++)
        {
            double w = (double)u[i] - v[i] + Epsilon;
            float g = (float)(scale * Math.Sign(w) * Math.Pow(Math.Abs(w), Norm - 1) / denominator);
            du[i] += g;
            dv[i] -= g;
        }
    }
}
