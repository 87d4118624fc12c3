using System.IO;
using StaticNet.Samples;
using Xunit;

namespace StaticNet.EndToEnd;

/// <summary>Fashion-MNIST, loaded once for every test of the collection and normalised with the training set's statistics.</summary>
public sealed class FashionMnistFixture
{
    public FashionMnistFixture()
    {
        string directory = System.Environment.GetEnvironmentVariable("FASHION_MNIST_DIR") ?? FashionMnistData.DefaultDirectory;
        try
        {
            (Train, Test) = FashionMnistData.Load(directory);
        }
        catch (FileNotFoundException exception)
        {
            // A missing dataset is a failed test, not a skipped one: the message says how to install it.
            throw new FileNotFoundException("These tests need Fashion-MNIST. " + exception.Message, exception);
        }

        Normalization = Normalization.Fit(Train);
        Normalization.Apply(Train);
        Normalization.Apply(Test);
    }

    public Dataset Train { get; }

    public Dataset Test { get; }

    public Normalization Normalization { get; }
}

[CollectionDefinition(Name)]
public sealed class FashionMnistCollection : ICollectionFixture<FashionMnistFixture>
{
    public const string Name = "Fashion-MNIST";
}
