using System;
using System.Collections.Generic;
using System.Linq;
using StaticNet.Parity.Networks;
using static StaticNet.Parity.RandomBatches;

namespace StaticNet.Parity;

/// <summary>
/// The table of layer, loss and optimizer cases: one line each. A new layer, loss or optimizer adds
/// its lines here (and its network to Networks.cs and python/reference.py); see docs/parity.md.
/// </summary>
public static class LayerCases
{
    // Optimizers with non-default hyperparameters, shared by the layer cases.
    private static readonly OptimizerCase SgdMomentum = OptimizerCase.Sgd(lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01);
    private static readonly OptimizerCase SgdNesterov = OptimizerCase.Sgd(lr: 0.05, momentum: 0.8, weightDecay: 0.02, nesterov: true);
    private static readonly OptimizerCase SgdDecay = OptimizerCase.Sgd(lr: 0.2, weightDecay: 0.05);
    private static readonly OptimizerCase AdamCustom = OptimizerCase.Adam(lr: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.01);

    private static readonly LossCase Mse = LossCase.MeanSquaredError;
    private static readonly LossCase CrossEntropy = LossCase.CrossEntropy;

    /// <summary>Every case, by name.</summary>
    public static IReadOnlyList<ParityCase> All { get; } = new[]
    {
        // Dense
        Case("dense", () => new DenseNet(seed: 1), Mse, SgdMomentum, batch: 5),
        Case("dense-batch1", () => new DenseNet(seed: 2), CrossEntropy, AdamCustom, batch: 1),
        Case("dense-no-bias", () => new DenseNoBiasNet(seed: 3), Mse, SgdNesterov, batch: 7),
    };

    /// <summary>The case names, for <c>[MemberData]</c>.</summary>
    public static IEnumerable<object[]> Names => All.Select(c => new object[] { c.Name });

    /// <summary>
    /// A case of <paramref name="batch"/> samples per batch, inputs uniform in [-1, 1) unless
    /// <paramref name="input"/> says otherwise, <paramref name="batches"/> different batches (one per
    /// step), and <paramref name="steps"/> optimizer steps.
    /// </summary>
    private static ParityCase Case(
        string name, Func<INetwork> network, LossCase loss, OptimizerCase? optimizer, int batch,
        Func<Random, float>? input = null, int batches = 1, int steps = 3) =>
        new(name, network, loss, optimizer, net => Make(name, net, batch, batches, input ?? Uniform(-1, 1)), steps);
}
