using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace StaticNet.Onnx.Tests;

/// <summary>Runs an exported model in ONNX Runtime and compares its outputs with the network's own <c>Predict</c>.</summary>
internal static class OnnxRuntimeComparison
{
    /// <summary>The allowed difference: this much absolutely, plus <see cref="Relative"/> of ONNX Runtime's value.</summary>
    public const double Absolute = 1e-5;

    public const double Relative = 1e-4;

    /// <summary>
    /// Exports <paramref name="network"/>, runs <paramref name="inputs"/> (<paramref name="batch"/> samples)
    /// through ONNX Runtime and through <c>Predict</c> (one sample at a time for a batch of 1, as a batch
    /// otherwise), and fails on the first value outside the tolerance. ONNX Runtime runs the graph twice:
    /// node by node as exported, and as it optimises it by default (batch normalisation folded into
    /// convolutions, nodes fused). Returns the largest absolute difference.
    /// </summary>
    public static double Compare(INetwork network, float[] inputs, int batch)
    {
        var model = new MemoryStream();
        network.ExportOnnx(model);
        double largest = 0;
        foreach (GraphOptimizationLevel level in new[] { GraphOptimizationLevel.ORT_DISABLE_ALL, GraphOptimizationLevel.ORT_ENABLE_ALL })
        {
            largest = Math.Max(largest, Compare(network, inputs, batch, RunOnnx(model.ToArray(), network, inputs, batch, level), level));
        }

        return largest;
    }

    private static double Compare(INetwork network, float[] inputs, int batch, float[] expected, GraphOptimizationLevel level)
    {
        float[] actual = new float[batch * network.OutputLength];
        if (batch == 1)
        {
            network.Predict(inputs, actual);
        }
        else
        {
            network.Predict(inputs, actual, batch);
        }

        if (expected.Length != actual.Length)
        {
            throw new Xunit.Sdk.XunitException($"{network.Name}: ONNX Runtime gave {expected.Length} outputs for a batch of {batch}, Predict {actual.Length}.");
        }

        double largest = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double difference = Math.Abs((double)actual[i] - expected[i]);
            if (!(difference <= Absolute + (Relative * Math.Abs(expected[i]))))
            {
                throw new Xunit.Sdk.XunitException(
                    $"{network.Name}, batch {batch}, {level}: output {i} (sample {i / network.OutputLength}) is {actual[i]:R} in StaticNet and {expected[i]:R} in ONNX Runtime; difference {difference:G3}.");
            }

            largest = Math.Max(largest, difference);
        }

        return largest;
    }

    /// <summary>The model's output for a batch, as ONNX Runtime computes it; checks the symbolic batch dimension on the way.</summary>
    public static float[] RunOnnx(byte[] model, INetwork network, float[] inputs, int batch, GraphOptimizationLevel level = GraphOptimizationLevel.ORT_ENABLE_ALL)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = level };
        using var session = new InferenceSession(model, options);
        NodeMetadata input = session.InputMetadata[OnnxExport.InputName];
        NodeMetadata output = session.OutputMetadata[OnnxExport.OutputName];
        if (input.SymbolicDimensions[0] != "batch" || output.SymbolicDimensions[0] != "batch")
        {
            throw new Xunit.Sdk.XunitException($"{network.Name}: the batch dimension is '{input.SymbolicDimensions[0]}' at the input and '{output.SymbolicDimensions[0]}' at the output, not 'batch'.");
        }

        int[] shape = new[] { batch }.Concat(network.LayerTable[0].InputShape).ToArray();
        var tensor = new DenseTensor<float>(inputs, shape);
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(OnnxExport.InputName, tensor) });
        DisposableNamedOnnxValue result = results.Single(r => r.Name == OnnxExport.OutputName);
        Tensor<float> values = result.AsTensor<float>();
        int[] expectedShape = new[] { batch }.Concat(network.LayerTable[network.LayerTable.Count - 1].OutputShape).ToArray();
        if (!values.Dimensions.ToArray().SequenceEqual(expectedShape))
        {
            throw new Xunit.Sdk.XunitException($"{network.Name}: ONNX Runtime's output has shape [{string.Join(", ", values.Dimensions.ToArray())}], expected [{string.Join(", ", expectedShape)}].");
        }

        return values.ToArray();
    }

    /// <summary>Values uniform in [-<paramref name="scale"/>, <paramref name="scale"/>), from a fixed seed.</summary>
    public static float[] Uniform(int count, double scale, int seed)
    {
        var random = new Random(seed);
        float[] values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)(((random.NextDouble() * 2) - 1) * scale);
        }

        return values;
    }

    /// <summary>
    /// Parameters from <paramref name="seed"/>, and batch normalisation away from its initial state:
    /// scales and shifts drawn at random, and running estimates moved by a few training passes over
    /// batches that are neither centred nor of unit variance.
    /// </summary>
    public static void Prepare(INetwork network, int seed)
    {
        network.Initialize(seed);
        var random = new Random(seed);
        foreach (TensorInfo tensor in network.Tensors)
        {
            if (tensor.Name.EndsWith(".weight", StringComparison.Ordinal) && tensor.Shape.Count == 1)
            {
                network.WriteTensor(tensor.Name, Enumerable.Range(0, tensor.Length).Select(_ => (float)(0.5 + random.NextDouble())).ToArray());
            }
            else if (tensor.Name.EndsWith(".bias", StringComparison.Ordinal) && tensor.Shape.Count == 1 && IsNormalization(network, tensor.Name))
            {
                network.WriteTensor(tensor.Name, Enumerable.Range(0, tensor.Length).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray());
            }
        }

        if (!network.Tensors.Any(t => t.Kind == TensorKind.State))
        {
            return;
        }

        int batch = Math.Min(8, network.BatchCapacity);
        float[] output = new float[batch * network.OutputLength];
        for (int step = 0; step < 3; step++)
        {
            float[] input = Uniform(batch * network.InputLength, 2, seed + step).Select(v => (v * 1.5f) + 0.7f).ToArray();
            network.Forward(input, output, batch);
        }

        foreach (TensorInfo tensor in network.Tensors.Where(t => t.Name.EndsWith(".running_mean", StringComparison.Ordinal)))
        {
            float[] mean = new float[tensor.Length];
            network.ReadTensor(tensor.Name, mean);
            if (mean.All(v => v == 0))
            {
                throw new InvalidOperationException($"{tensor.Name} is still zero after training passes: the test would not check the running estimates.");
            }
        }
    }

    private static bool IsNormalization(INetwork network, string tensorName) =>
        network.LayerTable.Any(l => l.Kind is LayerKind.BatchNorm1D or LayerKind.BatchNorm2D && l.Tensors.Contains(tensorName));
}
