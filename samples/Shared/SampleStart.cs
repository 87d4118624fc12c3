using System;
using System.Globalization;

namespace StaticNet.Samples;

/// <summary>How the samples with command-line options begin.</summary>
public static class SampleStart
{
    /// <summary>
    /// Makes numbers print the same on every machine (the invariant culture), then parses the options.
    /// Returns the exit code to stop with, or null to go on: 2, with the message and the usage on stderr,
    /// when an option is wrong; 0, with the usage on stdout, when help was asked for.
    /// </summary>
    public static int? ParseOptions<TOptions>(string[] args, Func<string[], TOptions> parse, Func<TOptions, bool> wantsHelp, string usage, out TOptions options)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try
        {
            options = parse(args);
        }
        catch (ArgumentException exception)
        {
            Console.Error.WriteLine(exception.Message);
            Console.Error.WriteLine(usage);
            options = default!;
            return 2;
        }

        if (wantsHelp(options))
        {
            Console.WriteLine(usage);
            return 0;
        }

        return null;
    }
}
