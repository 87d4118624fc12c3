using System;
using System.IO;
using Xunit;
using Xunit.Sdk;

namespace StaticNet.Generator.Tests;

/// <summary>The snapshot helper itself: a snapshot test is only worth something if a difference, or a missing file, fails it.</summary>
public sealed class SnapshotTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "staticnet-snapshots-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private string Verified => Path.Combine(_directory, "Net.verified.cs");

    private string Received => Path.Combine(_directory, "Net.received.cs");

    [Fact]
    public void Missing_verified_file_fails_and_writes_the_received_file()
    {
        var failure = Assert.ThrowsAny<XunitException>(() => Snapshot.Verify(_directory, "Net", "class A {}\n", accept: false));

        Assert.Contains("Net.verified.cs", failure.Message);
        Assert.Contains(Snapshot.AcceptVariable + "=1", failure.Message);
        Assert.Equal("class A {}\n", File.ReadAllText(Received));
        Assert.False(File.Exists(Verified));
    }

    [Fact]
    public void Difference_fails_naming_the_file_and_the_first_differing_line()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(Verified, "line 1\nline 2\nline 3\n");

        var failure = Assert.ThrowsAny<XunitException>(() => Snapshot.Verify(_directory, "Net", "line 1\nline two\nline 3\n", accept: false));

        Assert.Contains(Verified, failure.Message);
        Assert.Contains("line 2:", failure.Message);
        Assert.Contains("verified: \"line 2\"", failure.Message);
        Assert.Contains("received: \"line two\"", failure.Message);
        Assert.Contains(Snapshot.AcceptVariable + "=1", failure.Message);
        Assert.Equal("line 1\nline two\nline 3\n", File.ReadAllText(Received));
    }

    [Fact]
    public void Extra_lines_at_the_end_are_a_difference()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(Verified, "line 1\n");

        var failure = Assert.ThrowsAny<XunitException>(() => Snapshot.Verify(_directory, "Net", "line 1\nline 2\n", accept: false));

        Assert.Contains("verified: (end of file)", failure.Message);
    }

    [Fact]
    public void Line_endings_do_not_matter_and_a_match_removes_a_stale_received_file()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(Verified, "line 1\r\nline 2\r\n");
        File.WriteAllText(Received, "stale");

        Snapshot.Verify(_directory, "Net", "line 1\nline 2\n", accept: false);

        Assert.False(File.Exists(Received));
    }

    [Fact]
    public void Accepting_overwrites_the_verified_file_with_normalized_line_endings()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(Verified, "old\n");

        Snapshot.Verify(_directory, "Net", "new\r\n", accept: true);

        Assert.Equal("new\n", File.ReadAllText(Verified));
        Snapshot.Verify(_directory, "Net", "new\n", accept: false);
    }
}
