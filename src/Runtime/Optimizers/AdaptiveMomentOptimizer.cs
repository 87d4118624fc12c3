using System.Collections.Generic;

namespace StaticNet;

/// <summary>
/// What Adam, AdamW and NAdam share: moment estimates with decays <see cref="Beta1"/> and
/// <see cref="Beta2"/>, an <see cref="Epsilon"/> in the denominator, and weight decay added to the
/// gradient as an L2 penalty or, decoupled, applied to the parameters. Each kind has its own update.
/// </summary>
public abstract class AdaptiveMomentOptimizer : Optimizer, IMomentumOptimizer
{
    private double _beta1;

    private protected AdaptiveMomentOptimizer(double learningRate, double beta1, double beta2, double epsilon, double weightDecay, bool decoupled, params string[] bufferNames)
        : base(learningRate, bufferNames)
    {
        Check(beta1, 0, 1, nameof(beta1));
        Check(beta2, 0, 1, nameof(beta2));
        Check(epsilon, 0, double.PositiveInfinity, nameof(epsilon));
        Check(weightDecay, 0, double.PositiveInfinity, nameof(weightDecay));
        _beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        Decoupled = decoupled;
    }

    /// <summary>Decay of the first-moment estimate. Schedules such as <see cref="OneCycleLR"/> may change it.</summary>
    public double Beta1
    {
        get => _beta1;
        set
        {
            Check(value, 0, 1, nameof(Beta1));
            _beta1 = value;
        }
    }

    /// <summary>Decay of the second-moment estimate.</summary>
    public double Beta2 { get; }

    /// <summary>Added to the denominator for stability.</summary>
    public double Epsilon { get; }

    /// <summary>The weight decay: an L2 penalty added to the gradient, or decoupled, applied to the parameters.</summary>
    public double WeightDecay { get; }

    /// <summary>Whether weight decay multiplies the parameters by <c>1 - lr * weightDecay</c> instead of adding to the gradient.</summary>
    private protected bool Decoupled { get; }

    /// <summary>The step's hyperparameters as floats, set by <see cref="BeginStep"/>.</summary>
    private protected Coefficients Rounded { get; private set; }

    /// <inheritdoc/>
    double IMomentumOptimizer.Momentum
    {
        get => Beta1;
        set => Beta1 = value;
    }

    /// <inheritdoc/>
    protected override void BeginStep() =>
        // Coefficients in double, then rounded once, as PyTorch computes them in Python floats.
        Rounded = new Coefficients(
            (float)Beta1,
            (float)Beta2,
            (float)(1 - Beta1),
            (float)(1 - Beta2),
            (float)Epsilon,
            Decoupled ? 0f : (float)WeightDecay,
            Decoupled ? (float)(1 - (LearningRate * WeightDecay)) : 1f);

    /// <inheritdoc/>
    protected sealed override void AddHyperparameters(List<KeyValuePair<string, double>> hyperparameters)
    {
        hyperparameters.Add(new("beta1", Beta1));
        hyperparameters.Add(new("beta2", Beta2));
        hyperparameters.Add(new("eps", Epsilon));
        hyperparameters.Add(new("weight_decay", WeightDecay));
        AddOwnHyperparameters(hyperparameters);
    }

    /// <summary>Adds the hyperparameters of this kind alone, after those every kind has.</summary>
    private protected abstract void AddOwnHyperparameters(List<KeyValuePair<string, double>> hyperparameters);

    /// <inheritdoc/>
    protected sealed override void ImportHyperparameters(IReadOnlyList<KeyValuePair<string, double>> hyperparameters) =>
        Beta1 = Hyperparameter(hyperparameters, "beta1", Beta1);

    /// <summary>
    /// One step's hyperparameters as floats: the decays, one minus each, epsilon, the L2 factor added to
    /// the gradient (0 when decoupled) and the factor the parameters keep (1 unless decoupled).
    /// </summary>
    private protected readonly record struct Coefficients(float Beta1, float Beta2, float OneMinusBeta1, float OneMinusBeta2, float Epsilon, float L2, float Keep);
}
