using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using StaticNet.Tests.Networks;
using Xunit;
using Xunit.Abstractions;

namespace StaticNet.Tests;

/// <summary>
/// A seeded, bounded fuzz of every loader of safetensors files: hundreds of damaged copies of a network
/// file, an optimizer state and a training checkpoint (truncations, flipped bits in the header and the
/// data, a wrong length field, edited JSON, trailing bytes). Each must be refused with an
/// <see cref="InvalidDataException"/> naming the file, leaving what it was loaded into unchanged, or load
/// exactly what was saved. Any other exception fails, with the damage that caused it.
/// </summary>
public class CheckpointFuzzTests(ITestOutputHelper output)
{
    private const int CasesPerLoader = 520;

    private static readonly Dataset Data = TrainerTests.Blobs(24, 7);

    [Fact]
    public void EveryDamagedFileIsRefusedOrLoadsExactlyWhatWasSaved()
    {
        var clock = Stopwatch.StartNew();
        using var directory = new TempDirectory();

        // The network file, and the values a load must give.
        var saved = new DenseReluNetFour(seed: 5);
        string networkPath = directory.File("network.safetensors");
        saved.Save(networkPath);
        float[] savedParameters = saved.Parameters.ToArray();

        // An optimizer state after a few steps.
        var adam = new Adam(1e-2);
        for (int step = 0; step < 3; step++)
        {
            adam.Step(saved.Parameters.ToArray(), GradientCheck.Random(DenseReluNetFour.ParameterCount, step, -1f, 1f), saved.TrainableRanges.ToArray());
        }

        string statePath = directory.File("adam.safetensors");
        adam.SaveState(statePath);
        OptimizerState savedState = adam.ExportState();

        // A training checkpoint, with the network and optimizer state it holds.
        (Trainer<DenseReluNetFour> _, string resumePath) = FileIntegrityTests.TrainedCheckpoint(directory);
        var checkpointNetwork = new DenseReluNetFour();
        checkpointNetwork.LoadMatching(resumePath, rename: name => name.StartsWith("model.", StringComparison.Ordinal) ? name.Substring("model.".Length) : null);
        SafeTensorsFile checkpoint = SafeTensors.Read(resumePath);
        float[] checkpointParameters = new float[DenseReluNetFour.ParameterCount];
        int offset = 0;
        foreach (TensorInfo tensor in checkpointNetwork.Tensors)
        {
            checkpoint.TryGet("model." + tensor.Name, out SafeTensor values);
            values.Values.CopyTo(checkpointParameters, offset);
            offset += values.Values.Length;
        }

        OptimizerState checkpointState = OptimizerFiles.Read(checkpoint);

        var outcomes = new Dictionary<string, (int Refused, int Loaded)>();
        void Fuzz(string loader, byte[] original, int seed, bool dataFlips, Func<string, Action> load, Action<string> assertUnchanged, Action<string> assertLoaded)
        {
            var random = new Random(seed);
            (int refused, int loaded) = (0, 0);
            for (int i = 0; i < CasesPerLoader; i++)
            {
                (byte[] damaged, string damage) = Damage(original, random, dataFlips);
                string path = directory.File($"{loader}-{i}.safetensors");
                File.WriteAllBytes(path, damaged);
                Action run = load(path);
                try
                {
                    run();
                }
                catch (InvalidDataException exception)
                {
                    Assert.True(exception.Message.Contains(path, StringComparison.Ordinal), $"{loader}, case {i} ({damage}): the message does not name the file: {exception.Message}");
                    assertUnchanged($"{loader}, case {i} ({damage}), refused");
                    refused++;
                    File.Delete(path);
                    continue;
                }
                catch (Exception exception)
                {
                    Assert.Fail($"{loader}, case {i} ({damage}): {exception.GetType().Name} instead of InvalidDataException: {exception.Message}");
                }

                assertLoaded($"{loader}, case {i} ({damage}), loaded");
                loaded++;
                File.Delete(path);
            }

            outcomes[loader] = (refused, loaded);
        }

        // Network.Load, on StaticNet's file and on the same file without checksums (as PyTorch writes it),
        // where only the structural checks stand between a damaged header and a wrong load.
        var network = new DenseReluNetFour(seed: 9);
        float[] networkBefore = network.Parameters.ToArray();
        void NetworkUnchanged(string what)
        {
            Assert.True(network.Parameters.SequenceEqual(networkBefore), $"{what}, changed the network");
        }

        void NetworkLoaded(string what)
        {
            Assert.True(network.Parameters.SequenceEqual(savedParameters), $"{what}, but not the values saved");
            networkBefore.CopyTo(network.Parameters);
        }

        byte[] networkFile = File.ReadAllBytes(networkPath);
        Fuzz("load", networkFile, 1, dataFlips: true, path => () => network.Load(path), NetworkUnchanged, NetworkLoaded);
        Fuzz("load-no-checksums", SafeTensorsBytes.WithoutChecksums(networkFile), 2, dataFlips: false, path => () => network.Load(path), NetworkUnchanged, NetworkLoaded);

        // Optimizer.LoadState.
        var optimizer = new Adam(1e-2);
        optimizer.Step(new float[DenseReluNetFour.ParameterCount], new float[DenseReluNetFour.ParameterCount], saved.TrainableRanges.ToArray());
        OptimizerState optimizerBefore = optimizer.ExportState();
        Fuzz(
            "load-state",
            File.ReadAllBytes(statePath),
            3,
            dataFlips: true,
            path => () => optimizer.LoadState(path),
            what => AssertSameState(optimizerBefore, optimizer.ExportState(), what + ", changed the optimizer"),
            what =>
            {
                AssertSameState(savedState, optimizer.ExportState(), what);
                optimizer.ImportState(optimizerBefore);
            });

        // Trainer.Resume: the run had ended, so an accepted checkpoint restores and trains no further.
        (Trainer<DenseReluNetFour> trainer, _) = FileIntegrityTests.TrainedCheckpoint(directory);
        float[] trainerBefore = trainer.Network.Parameters.ToArray();
        OptimizerState trainerOptimizerBefore = trainer.Optimizer.ExportState();
        Fuzz(
            "resume",
            File.ReadAllBytes(resumePath),
            4,
            dataFlips: true,
            path => () => trainer.Resume(path, Data),
            what =>
            {
                Assert.True(trainer.Network.Parameters.SequenceEqual(trainerBefore), $"{what}, changed the network");
                AssertSameState(trainerOptimizerBefore, trainer.Optimizer.ExportState(), what + ", changed the optimizer");
            },
            what =>
            {
                Assert.True(trainer.Network.Parameters.SequenceEqual(checkpointParameters), $"{what}, but not the values saved");
                AssertSameState(checkpointState, trainer.Optimizer.ExportState(), what);
                trainerBefore.CopyTo(trainer.Network.Parameters);
                trainer.Optimizer.ImportState(trainerOptimizerBefore);
            });

        // Most damage must be refused: a fuzz whose every case loaded would test nothing.
        foreach ((string loader, (int refused, int loaded)) in outcomes)
        {
            output.WriteLine($"{loader}: {refused} refused, {loaded} loaded exactly");
            Assert.True(refused > CasesPerLoader * 3 / 4, $"{loader}: only {refused} of {CasesPerLoader} damaged files were refused ({loaded} loaded).");
        }

        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"The fuzz took {clock.Elapsed.TotalSeconds:F1} s.");
    }

    private static void AssertSameState(OptimizerState expected, OptimizerState actual, string what)
    {
        Assert.True(expected.Optimizer == actual.Optimizer && expected.ParameterCount == actual.ParameterCount && expected.StepCount == actual.StepCount, $"{what}: name, parameter count or step count");
        Assert.True(expected.LearningRate.Equals(actual.LearningRate), $"{what}: learning rate {expected.LearningRate} against {actual.LearningRate}");
        Assert.True(expected.Segments.SequenceEqual(actual.Segments), $"{what}: per-parameter steps");
        Assert.True(expected.Hyperparameters.SequenceEqual(actual.Hyperparameters), $"{what}: hyperparameters");
        Assert.Equal(expected.Buffers.Count, actual.Buffers.Count);
        for (int b = 0; b < expected.Buffers.Count; b++)
        {
            Assert.True(expected.Buffers[b].Key == actual.Buffers[b].Key && expected.Buffers[b].Value.SequenceEqual(actual.Buffers[b].Value), $"{what}: buffer {expected.Buffers[b].Key}");
        }
    }

    private static readonly string[] NumberReplacements = { "0", "1", "-1", "0.5", "1e30", "-0", "2147483648", "99999999999999999999", "1.0", "\"4\"", "null", "[]", "{}", "true" };

    private static readonly string[] DtypeReplacements = { "F16", "F64", "I32", "f32", "", "BF16", "F32 " };

    /// <summary>One damaged copy of <paramref name="file"/>, and what was done to it.</summary>
    private static (byte[] File, string Damage) Damage(byte[] file, Random random, bool dataFlips)
    {
        (byte[] header, byte[] data) = SafeTensorsBytes.Split(file);
        int headerStart = 8, dataStart = 8 + header.Length;
        byte[] copy = (byte[])file.Clone();
        int kind = random.Next(dataFlips ? 10 : 9);
        switch (kind)
        {
            case 0:
            {
                int length = random.Next(file.Length);
                return (file.AsSpan(0, length).ToArray(), $"truncated to {length} bytes");
            }

            case 1:
            {
                int at = headerStart + random.Next(header.Length), bit = random.Next(8);
                copy[at] ^= (byte)(1 << bit);
                return (copy, $"bit {bit} of header byte {at - headerStart} flipped");
            }

            case 2:
            {
                long[] lengths = { header.Length + 1, header.Length - 1, header.Length + 8, header.Length - 8, 0, 1, ulong.MaxValue > 0 ? long.MaxValue : 0, 1L << 40, file.Length, file.Length - 8 };
                long length = lengths[random.Next(lengths.Length)];
                return (SafeTensorsBytes.WithLengthField(file, unchecked((ulong)length)), $"length field set to {length}");
            }

            case 3:
            {
                // A number of the header (a shape size or a data offset, or a digit of metadata) changed.
                string json = Encoding.UTF8.GetString(header);
                MatchCollection numbers = Regex.Matches(json, "(?<=[\\[,])-?[0-9]+(?=[,\\]])");
                Match number = numbers[random.Next(numbers.Count)];
                string replacement = random.Next(2) == 0
                    ? NumberReplacements[random.Next(NumberReplacements.Length)]
                    : (long.Parse(number.Value) + (random.Next(2) == 0 ? 1 : -1) * (random.Next(2) == 0 ? 4 : 1)).ToString();
                return (Rebuild(json.Remove(number.Index, number.Length).Insert(number.Index, replacement), data), $"header number {number.Value} at {number.Index} replaced by {replacement}");
            }

            case 4:
            {
                string json = Encoding.UTF8.GetString(header);
                string dtype = DtypeReplacements[random.Next(DtypeReplacements.Length)];
                int at = json.IndexOf("\"F32\"", StringComparison.Ordinal);
                return (Rebuild(json.Remove(at, 5).Insert(at, "\"" + dtype + "\""), data), $"first dtype set to '{dtype}'");
            }

            case 5:
            {
                // A tensor renamed, to another name, an existing one (a duplicate key) or the metadata key.
                string json = Encoding.UTF8.GetString(header);
                MatchCollection names = Regex.Matches(json, "\"([a-z_.0-9]+)\":\\{\"dtype\"");
                Group name = names[random.Next(names.Count)].Groups[1];
                string[] choices = { name.Value + "x", name.Value.ToUpperInvariant(), names[0].Groups[1].Value, names[^1].Groups[1].Value, "__metadata__", "" };
                string replacement = choices[random.Next(choices.Length)];
                return (Rebuild(json.Remove(name.Index, name.Length).Insert(name.Index, replacement), data), $"tensor '{name.Value}' renamed '{replacement}'");
            }

            case 6:
            {
                // The header's JSON edited: a key duplicated, an entry dropped, junk after the object, an unclosed object.
                string json = Encoding.UTF8.GetString(header).TrimEnd(' ');
                MatchCollection entries = Regex.Matches(json, "\"[a-z_.0-9]+\":\\{\"dtype\"[^}]*\\}");
                Match entry = entries[random.Next(entries.Count)];
                (string edited, string what) = random.Next(5) switch
                {
                    0 => (json.Insert(entry.Index, entry.Value + ","), "a tensor entry duplicated"),
                    1 => (json.Remove(entry.Index, entry.Length).Replace(",,", ",").Replace("{,", "{").Replace(",}", "}"), "a tensor entry dropped"),
                    2 => (json + "x", "junk after the object"),
                    3 => (json.Substring(0, json.Length - 1), "the object unclosed"),
                    _ => (json.Insert(entry.Index + entry.Length - 1, ",\"shape\":[1]"), "a second shape in an entry"),
                };
                return (Rebuild(edited, data), what);
            }

            case 7:
            {
                int count = 1 + random.Next(16);
                var trailing = new byte[count];
                random.NextBytes(trailing);
                return (file.Concat(trailing).ToArray(), $"{count} bytes appended");
            }

            case 8:
            {
                // Without checksums nothing can tell a changed float from a saved one: then only the length field and header.
                int at = random.Next(dataFlips ? file.Length : dataStart);
                copy[at] = (byte)random.Next(256);
                return (copy, $"byte {at} set to 0x{copy[at]:X2}");
            }

            default:
            {
                int at = dataStart + random.Next(data.Length), bit = random.Next(8);
                copy[at] ^= (byte)(1 << bit);
                return (copy, $"bit {bit} of data byte {at - dataStart} flipped");
            }
        }
    }

    private static byte[] Rebuild(string header, byte[] data) => SafeTensorsBytes.Build(header, data);
}
