using System;
using System.Collections.Generic;
using System.IO;

namespace StaticNet;

/// <summary>
/// Where and what the trainer saves after each epoch. In <see cref="Directory"/>:
/// <list type="bullet">
/// <item><c>last.safetensors</c>: the weights after the latest epoch (<see cref="KeepLast"/>);</item>
/// <item><c>resume.safetensors</c>: everything <see cref="Trainer{TNetwork}.Resume"/> needs to continue the run exactly: weights, optimizer state, schedule and early-stopping state, epoch, step and history (<see cref="KeepLast"/>);</item>
/// <item><c>best.safetensors</c>: the weights of the epoch with the best <see cref="Monitor"/> value so far (<see cref="KeepBest"/>).</item>
/// </list>
/// Every file is written atomically, so a crash during a save leaves the previous one intact.
/// </summary>
/// <param name="directory">The folder of the checkpoint files; created when missing.</param>
public sealed class CheckpointSettings(string directory)
{
    /// <summary>The folder of the checkpoint files.</summary>
    public string Directory { get; } = !string.IsNullOrWhiteSpace(directory) ? directory : throw new ArgumentException("The checkpoint directory must be a path.", nameof(directory));

    /// <summary>Whether to save the latest weights and the resume state after every epoch. Default <see langword="true"/>.</summary>
    public bool KeepLast { get; init; } = true;

    /// <summary>Whether to save the weights of the best epoch. Default <see langword="true"/>.</summary>
    public bool KeepBest { get; init; } = true;

    /// <summary>The metric that decides the best epoch; the validation loss when there is a validation set, else the training loss.</summary>
    public MonitoredMetric? Monitor { get; init; }

    /// <summary>Extra metadata written into every weights file (the input normalisation, for example).</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>The file of the latest weights.</summary>
    public string LastPath => Path.Combine(Directory, "last.safetensors");

    /// <summary>The file <see cref="Trainer{TNetwork}.Resume"/> reads.</summary>
    public string ResumePath => Path.Combine(Directory, "resume.safetensors");

    /// <summary>The file of the best epoch's weights.</summary>
    public string BestPath => Path.Combine(Directory, "best.safetensors");
}
