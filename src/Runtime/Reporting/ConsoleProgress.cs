using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace StaticNet;

/// <summary>How <see cref="ConsoleProgress"/> shows training.</summary>
public enum ProgressStyle
{
    /// <summary>A live progress bar per epoch with its ETA, running loss and accuracy (Spectre.Console); each finished epoch stays as a line.</summary>
    Live,

    /// <summary>One plain line per epoch, for logs, redirected output and CI.</summary>
    Plain,
}

/// <summary>
/// Shows training on the console, as Keras's <c>fit(verbose=1)</c> does: a live progress bar per epoch with
/// the time left and the running loss and accuracy, which stays behind as that epoch's summary line; or,
/// when output is redirected or the <c>CI</c> environment variable is set, one plain line per epoch.
/// Add it to <see cref="Trainer{TNetwork}.Callbacks"/>. The live bar is redrawn from a background thread;
/// the training thread only stores numbers into it, and formats text at most five times a second.
/// </summary>
public sealed class ConsoleProgress : ITrainingCallback
{
    private static readonly long RefreshTicks = Stopwatch.Frequency / 5;
    private readonly TextWriter _plain;
    private readonly IAnsiConsole? _console;
    private Thread? _display;
    private ProgressContext? _progress;
    private ProgressTask? _task;
    private readonly ManualResetEventSlim _ready = new(), _finished = new();
    private long _lastRefresh;

    /// <summary>Shows progress in <paramref name="style"/>; plain lines go to <paramref name="output"/> (the console when <see langword="null"/>).</summary>
    public ConsoleProgress(ProgressStyle style, TextWriter? output = null)
        : this(style, output, style == ProgressStyle.Live ? AnsiConsole.Console : null)
    {
    }

    internal ConsoleProgress(ProgressStyle style, TextWriter? output, IAnsiConsole? console)
    {
        Style = style;
        _plain = output ?? Console.Out;
        _console = console;
    }

    /// <summary>The style in use.</summary>
    public ProgressStyle Style { get; }

    /// <summary>
    /// Live bars when the console is interactive, plain lines when output is redirected or the <c>CI</c>
    /// environment variable is set (as CI services set it) or <c>TERM</c> is <c>dumb</c>.
    /// </summary>
    public static ConsoleProgress Create() => new(PreferredStyle());

    /// <summary>The style <see cref="Create"/> picks for this process.</summary>
    public static ProgressStyle PreferredStyle() =>
        Console.IsOutputRedirected
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))
        || Environment.GetEnvironmentVariable("TERM") == "dumb"
            ? ProgressStyle.Plain
            : ProgressStyle.Live;

    /// <inheritdoc/>
    public void TrainingStarted(TrainingContext context)
    {
        string validation = context.ValidationSamples > 0 ? $", validating on {context.ValidationSamples:N0}" : "";
        string resumed = context.FirstEpoch > 1 ? $", resuming at epoch {context.FirstEpoch}" : "";
        WriteLine($"Training {context.Network.Name} on {context.SamplesPerEpoch:N0} samples per epoch ({context.BatchesPerEpoch:N0} batches){validation}, {context.Epochs} epochs with {context.Optimizer.Name}{resumed}, {context.Network.Simd} kernels on {context.Network.Threads} {(context.Network.Threads == 1 ? "thread" : "threads")}");
        if (Style == ProgressStyle.Live && _console is not null)
        {
            StartDisplay(_console);
        }
    }

    /// <inheritdoc/>
    public void EpochStarted(TrainingContext context)
    {
        if (_progress is not null)
        {
            _task = _progress.AddTask(Markup.Escape(Running(context.Epoch, context.Epochs, double.NaN, double.NaN, double.NaN)), maxValue: context.SamplesPerEpoch);
            _lastRefresh = 0;
        }
    }

    /// <inheritdoc/>
    public void BatchCompleted(TrainingContext context, in BatchMetrics batch)
    {
        if (_task is null)
        {
            return;
        }

        _task.Value = batch.EpochSamples;

        // Formatting text allocates, so the description follows the running figures a few times a second, not every step.
        long now = Stopwatch.GetTimestamp();
        if (now - _lastRefresh >= RefreshTicks)
        {
            _lastRefresh = now;
            _task.Description = Markup.Escape(Running(batch.Epoch, context.Epochs, batch.EpochLoss, batch.EpochAccuracy, batch.EpochItemErrorRate));
        }
    }

    /// <inheritdoc/>
    public void EpochCompleted(TrainingContext context, EpochMetrics metrics)
    {
        if (_task is not null)
        {
            // The bar shows the time; its line keeps the figures that fit beside it.
            _task.Description = Markup.Escape(Compact(metrics, context.Epochs));
            _task.Value = _task.MaxValue;
            _task.StopTask();
            _task = null;
        }
        else
        {
            WriteLine(Summary(metrics, context.Epochs, context.History.TopK));
        }
    }

    /// <inheritdoc/>
    public void TrainingCompleted(TrainingContext context, History history)
    {
        StopDisplay();
        if (history.StopMessage.Length > 0)
        {
            WriteLine(history.StopMessage);
        }

        if (history.RestoredEpoch is int restored)
        {
            WriteLine($"Restored the weights of epoch {restored}, the best by the monitored metric.");
        }

        if (history.Test is Evaluation test)
        {
            WriteLine($"Test: loss {Number(test.Loss)}{(test.Accuracy is double accuracy ? $", accuracy {Percent(accuracy)}" : "")}{(test.TopKAccuracy is double topK ? $", top{history.TopK} {Percent(topK)}" : "")}" +
                $"{(test.SequenceAccuracy is double sequences ? $", sequence accuracy {Percent(sequences)}" : "")}{(test.ItemErrorRate is double errors ? $", item error rate {Percent(errors)}" : "")} ({test.Count:N0} samples)");
        }
    }

    /// <inheritdoc/>
    public void TrainingFailed(TrainingContext context, Exception exception) => StopDisplay();

    /// <summary>
    /// One epoch's figures as a line: <c>epoch  3/20  loss 0.3121  acc 88.52%  val_loss 0.3012  val_acc 89.10%  lr 0.001  |g| 1.23  12.3 s  4,400/s</c>
    /// (<c>|g|</c> is the mean gradient norm); top-k accuracies appear when <paramref name="topK"/> is above 0,
    /// and for label sequences the exact-match sequence accuracy and item error rate (<c>seq_acc</c>, <c>ier</c>)
    /// instead of accuracies.
    /// </summary>
    public static string Summary(EpochMetrics metrics, int epochs, int topK = 0)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var line = new StringBuilder();
        line.Append(EpochLabel(metrics.Epoch, epochs)).Append("  loss ").Append(Number(metrics.TrainLoss));
        Optional(line, "acc", metrics.TrainAccuracy, percent: true);
        string k = "top" + topK.ToString(CultureInfo.InvariantCulture);
        Optional(line, k, metrics.TrainTopKAccuracy, percent: true);
        Optional(line, "seq_acc", metrics.TrainSequenceAccuracy, percent: true);
        Optional(line, "ier", metrics.TrainItemErrorRate, percent: true);
        Optional(line, "val_loss", metrics.ValidationLoss, percent: false);
        Optional(line, "val_acc", metrics.ValidationAccuracy, percent: true);
        Optional(line, "val_" + k, metrics.ValidationTopKAccuracy, percent: true);
        Optional(line, "val_seq_acc", metrics.ValidationSequenceAccuracy, percent: true);
        Optional(line, "val_ier", metrics.ValidationItemErrorRate, percent: true);
        line.Append("  lr ").Append(Rate(metrics.LearningRate));
        line.Append("  |g| ").Append(metrics.GradientNorm.ToString("G3", CultureInfo.InvariantCulture));
        line.Append("  ").Append(metrics.Duration.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)).Append(" s");
        line.Append("  ").Append(metrics.SamplesPerSecond.ToString("N0", CultureInfo.InvariantCulture)).Append("/s");
        return line.ToString();
    }

    private static string Compact(EpochMetrics metrics, int epochs)
    {
        var line = new StringBuilder();
        line.Append(EpochLabel(metrics.Epoch, epochs)).Append("  loss ").Append(Number(metrics.TrainLoss));
        Optional(line, "acc", metrics.TrainAccuracy, percent: true);
        Optional(line, "ier", metrics.TrainItemErrorRate, percent: true);
        Optional(line, "val_loss", metrics.ValidationLoss, percent: false);
        Optional(line, "val_acc", metrics.ValidationAccuracy, percent: true);
        Optional(line, "val_ier", metrics.ValidationItemErrorRate, percent: true);
        return line.ToString();
    }

    private static string Running(int epoch, int epochs, double loss, double accuracy, double itemErrorRate)
    {
        var line = new StringBuilder(EpochLabel(epoch, epochs));
        if (!double.IsNaN(loss))
        {
            line.Append("  loss ").Append(Number(loss));
        }

        if (!double.IsNaN(accuracy))
        {
            line.Append("  acc ").Append(Percent(accuracy));
        }

        if (!double.IsNaN(itemErrorRate))
        {
            line.Append("  ier ").Append(Percent(itemErrorRate));
        }

        return line.ToString();
    }

    private static string EpochLabel(int epoch, int epochs)
    {
        string total = epochs.ToString(CultureInfo.InvariantCulture);
        return "epoch " + epoch.ToString(CultureInfo.InvariantCulture).PadLeft(total.Length) + "/" + total;
    }

    private static void Optional(StringBuilder line, string name, double? value, bool percent)
    {
        if (value is double number)
        {
            line.Append("  ").Append(name).Append(' ').Append(percent ? Percent(number) : Number(number));
        }
    }

    private static string Number(double value) => value.ToString("F4", CultureInfo.InvariantCulture);

    private static string Rate(double value) => value.ToString(value >= 1e-3 || value == 0 ? "0.######" : "0.00e+00", CultureInfo.InvariantCulture);

    private static string Percent(double value) => (value * 100).ToString("F2", CultureInfo.InvariantCulture) + "%";

    private void WriteLine(string line)
    {
        if (_console is not null && Style == ProgressStyle.Live)
        {
            _console.WriteLine(line);
        }
        else
        {
            _plain.WriteLine(line);
        }
    }

    // Spectre's Progress runs a display for the duration of a callback; that callback runs on its own
    // thread and waits until training ends, while the training thread adds and updates tasks.
    private void StartDisplay(IAnsiConsole console)
    {
        _ready.Reset();
        _finished.Reset();
        _display = new Thread(() =>
        {
            try
            {
                console.Progress()
                    .AutoClear(false)
                    .HideCompleted(false)
                    .Columns(
                        new TaskDescriptionColumn { Alignment = Justify.Left },
                        new ProgressBarColumn { Width = 20 },
                        new PercentageColumn(),
                        new TimeColumn())
                    .Start(progress =>
                    {
                        _progress = progress;
                        _ready.Set();
                        _finished.Wait();
                    });
            }
            finally
            {
                _progress = null;
                _ready.Set();
            }
        })
        {
            IsBackground = true,
            Name = "StaticNet progress",
        };
        _display.Start();
        _ready.Wait();
    }

    private void StopDisplay()
    {
        if (_display is null)
        {
            return;
        }

        _task?.StopTask();
        _task = null;
        _finished.Set();
        _display.Join();
        _display = null;
        _progress = null;
    }

    /// <summary>The time left while an epoch runs (<c>ETA 0:42</c>), the time it took once it is done (<c>took 1:05</c>).</summary>
    private sealed class TimeColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
        {
            if (task.IsFinished)
            {
                return new Text("took " + Clock(task.ElapsedTime ?? TimeSpan.Zero), new Style(Color.Grey));
            }

            return new Text(task.RemainingTime is TimeSpan remaining ? "ETA " + Clock(remaining) : "ETA -:--", new Style(Color.Blue));
        }

        private static string Clock(TimeSpan time) => time.TotalHours >= 1
            ? time.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
            : time.ToString(@"m\:ss", CultureInfo.InvariantCulture);
    }
}
