using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace StaticNet.Generator.Tests;

/// <summary>
/// The generator runs on every keystroke in an IDE, so an edit that does not change a network must
/// not change its model: then Roslyn keeps the emitted source instead of emitting it again. Each test
/// runs the same driver twice, as the compiler does, and reads the reason the pipeline recorded for
/// each step's outputs on the second run.
/// </summary>
public sealed class IncrementalTests
{
    private static readonly IncrementalStepRunReason[] Kept = { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged };

    [Fact]
    public void Adding_an_unrelated_file_keeps_the_model()
    {
        TwoRuns run = RunTwice(Networks.LeNet5, first => first.AddSyntaxTrees(GeneratorHarness.Parse("class Unrelated { }", "Unrelated.cs")));

        Assert.All(run.Reasons(TrackingNames.Model), reason => Assert.Contains(reason, Kept));
        Assert.Equal(run.SourceBefore, run.SourceAfter);
    }

    [Fact]
    public void Editing_the_same_file_below_the_declaration_keeps_the_model()
    {
        TwoRuns run = RunTwice(Networks.LeNet5, first => Replace(first, Networks.LeNet5 + "\n\n// A comment after the network.\ninternal static class Helpers { }\n"));

        Assert.All(run.Reasons(TrackingNames.Model), reason => Assert.Contains(reason, Kept));
        Assert.Equal(run.SourceBefore, run.SourceAfter);
    }

    [Fact]
    public void Editing_the_same_file_below_the_declaration_neither_plans_nor_emits_again()
    {
        TwoRuns run = RunTwice(Networks.LeNet5, first => Replace(first, Networks.LeNet5 + "\n\n// A comment after the network.\ninternal static class Helpers { }\n"));

        // The file changed, so the declaration is read again; what it reads is equal, so planning and
        // emitting, the costly steps, do not run again.
        Assert.NotEmpty(run.Reasons(TrackingNames.Parse));
        Assert.All(run.Reasons(TrackingNames.Parse), reason => Assert.Contains(reason, Kept));
        Assert.Equal(new[] { IncrementalStepRunReason.Cached }, run.Reasons(TrackingNames.Plan));
        Assert.Equal(new[] { IncrementalStepRunReason.Cached }, run.Reasons(TrackingNames.Emit));
    }

    [Fact]
    public void Moving_the_declaration_down_keeps_the_model()
    {
        TwoRuns run = RunTwice(Networks.LeNet5, first => Replace(first, "\n\n\n" + Networks.LeNet5));

        // The parse result holds the declaration's location (for diagnostics), so it must change;
        // the model holds none, so it must not, and the source is not emitted again.
        Assert.Contains(IncrementalStepRunReason.Modified, run.Reasons(TrackingNames.Parse));
        Assert.All(run.Reasons(TrackingNames.Model), reason => Assert.Contains(reason, Kept));
        Assert.Equal(run.SourceBefore, run.SourceAfter);
    }

    [Fact]
    public void Moving_a_residual_network_keeps_the_model()
    {
        // Batch norm, From, Add, dropout, initializers and frozen layers all end up in the model: each must compare by value.
        TwoRuns run = RunTwice(Networks.ResidualBlockNet, first => Replace(first, "\n\n" + Networks.ResidualBlockNet));

        Assert.Contains(IncrementalStepRunReason.Modified, run.Reasons(TrackingNames.Parse));
        Assert.All(run.Reasons(TrackingNames.Model), reason => Assert.Contains(reason, Kept));
        Assert.Equal(run.SourceBefore, run.SourceAfter);
    }

    [Fact]
    public void Changing_a_dropout_rate_modifies_the_model()
    {
        TwoRuns run = RunTwice(Networks.ResidualBlockNet, first => Replace(first, Networks.ResidualBlockNet.Replace("[Dropout(0.25)]", "[Dropout(0.5)]")));

        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, run.Reasons(TrackingNames.Model));
        Assert.Contains("rate: 0.5,", run.SourceAfter);
    }

    [Fact]
    public void Changing_a_layer_size_modifies_the_model()
    {
        TwoRuns run = RunTwice(Networks.LeNet5, first => Replace(first, Networks.LeNet5.Replace("[Dense(84), ReLU]", "[Dense(86), ReLU]")));

        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, run.Reasons(TrackingNames.Model));
        Assert.NotEqual(run.SourceBefore, run.SourceAfter);
        Assert.Contains("fc2.weight\", new int[] { 86, 120 }", run.SourceAfter);
    }

    [Fact]
    public void Diagnostics_follow_the_declaration_when_it_moves()
    {
        const string invalid = "using StaticNet;\n\n[Network]\n[Input(4)]\n[Dense(0)]\npartial class Net;\n";
        TwoRuns run = RunTwice(invalid, first => Replace(first, "\n\n" + invalid));

        Assert.Equal(4, run.DiagnosticsBefore.Single().Location.GetLineSpan().StartLinePosition.Line);
        Assert.Equal(6, run.DiagnosticsAfter.Single().Location.GetLineSpan().StartLinePosition.Line);
    }

    [Fact]
    public void Adding_an_unrelated_file_keeps_the_missing_network_look_up()
    {
        const string withoutNetwork = "using StaticNet;\n\n[Input(4)]\n[Dense(2)]\npartial class Net;\n";
        TwoRuns run = RunTwice(withoutNetwork, first => first.AddSyntaxTrees(GeneratorHarness.Parse("class Unrelated { }", "Unrelated.cs")));

        Assert.All(run.Reasons(TrackingNames.MissingNetwork), reason => Assert.Contains(reason, Kept));
        Assert.Equal("SN0025", run.DiagnosticsAfter.Single().Id);
    }

    [Fact]
    public void Adding_network_ends_the_missing_network_diagnostic()
    {
        const string withoutNetwork = "using StaticNet;\n\n[Input(4)]\n[Dense(2)]\npartial class Net;\n";
        TwoRuns run = RunTwice(withoutNetwork, first => Replace(first, withoutNetwork.Replace("[Input(4)]", "[Network, Input(4)]")));

        Assert.Equal("SN0025", run.DiagnosticsBefore.Single().Id);
        Assert.Empty(run.DiagnosticsAfter);
        Assert.NotNull(run.SourceAfter);
    }

    private static Compilation Replace(Compilation compilation, string newSource)
    {
        SyntaxTree old = compilation.SyntaxTrees.Single(t => t.FilePath == GeneratorHarness.NetworkFile);
        return compilation.ReplaceSyntaxTree(old, GeneratorHarness.Parse(newSource, GeneratorHarness.NetworkFile));
    }

    /// <summary>Runs one driver on <paramref name="source"/>, then on the compilation <paramref name="edit"/> makes of it.</summary>
    private static TwoRuns RunTwice(string source, System.Func<Compilation, Compilation> edit)
    {
        Compilation first = GeneratorHarness.Compilation(source);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(first);
        GeneratorRunResult before = driver.GetRunResult().Results.Single();
        driver = driver.RunGenerators(edit(first));
        return new TwoRuns(before, driver.GetRunResult().Results.Single());
    }

    private sealed record TwoRuns(GeneratorRunResult Before, GeneratorRunResult After)
    {
        public string? SourceBefore => Before.GeneratedSources.SingleOrDefault().SourceText?.ToString();

        public string? SourceAfter => After.GeneratedSources.SingleOrDefault().SourceText?.ToString();

        public IReadOnlyList<Diagnostic> DiagnosticsBefore => Before.Diagnostics;

        public IReadOnlyList<Diagnostic> DiagnosticsAfter => After.Diagnostics;

        /// <summary>Why each output of the named step has its value on the second run; a step that ran but yielded nothing fails the test.</summary>
        public IncrementalStepRunReason[] Reasons(string step)
        {
            IncrementalStepRunReason[] reasons = After.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();
            Assert.NotEmpty(reasons);
            return reasons;
        }
    }
}
