using System;
using System.IO;
using Xunit;

namespace StaticNet.Tests;

public class CsvTests
{
    [Fact]
    public void LoadsNumericLabelsWithAHeaderAndShape()
    {
        using var directory = new TempDirectory();
        string path = directory.File("pixels.csv");
        File.WriteAllText(path, "label,p1,p2,p3,p4\n2,0,51,102,255\n\n0,255,0,0,0\n");
        Dataset data = CsvDataset.Load(path, new CsvOptions { SampleShape = new[] { 1, 2, 2 }, Scale = 1f / 255, ClassCount = 3 });
        Assert.Equal(2, data.Count);
        Assert.Equal(new[] { 2, 0 }, data.Labels);
        Assert.Equal(3, data.ClassCount);
        Assert.Equal(new[] { 1, 2, 2 }, data.SampleShape);
        Assert.Equal(new[] { 0f, 0.2f, 0.4f, 1f, 1f, 0f, 0f, 0f }, data.Features, new FloatComparer(1e-6f));
        Assert.Equal("pixels.csv", data.Source);
    }

    [Fact]
    public void TextLabelsBecomeNamedClassesInSortedOrder()
    {
        using var directory = new TempDirectory();
        string path = directory.File("iris.csv");
        File.WriteAllText(path, "sepal;petal;species\n5.1;1.4;\"setosa\"\n6.3;6.0;virginica\n5.9;4.2;versicolor\n5.0;1.5;setosa\n");
        Dataset data = CsvDataset.Load(path, new CsvOptions { Separator = ';', LabelColumn = "species" });
        Assert.Equal(new[] { "setosa", "versicolor", "virginica" }, data.ClassNames);
        Assert.Equal(new[] { 0, 2, 1, 0 }, data.Labels);
        Assert.Equal(new[] { 5.1f, 1.4f, 6.3f, 6.0f, 5.9f, 4.2f, 5.0f, 1.5f }, data.Features);
        Assert.Equal(data.ClassNames, data.Split(0.5, 1).Train.ClassNames);
    }

    [Fact]
    public void RegressionTargetsComeFromTheirColumns()
    {
        using var directory = new TempDirectory();
        string path = directory.File("sums.csv");
        File.WriteAllText(path, "1,2,3\n4,5,9\n");
        Dataset data = CsvDataset.Load(path, new CsvOptions { HasHeader = false, TargetColumns = new[] { 2 } });
        Assert.Null(data.Labels);
        Assert.Equal(new[] { 3f, 9f }, data.Targets);
        Assert.Equal(new[] { 1f, 2f, 4f, 5f }, data.Features);
    }

    [Theory]
    [InlineData("label,a,b\n1,2,3\n0,4\n", "line 3: 2 values, but the header names 3 columns")]
    [InlineData("label,a,b\n1,2,x\n", "line 2, column 3 ('b'): 'x' is not a number")]
    [InlineData("label,a,b\n1,2,NaN\n", "line 2, column 3 ('b'): the value is NaN")]
    [InlineData("label,a,b\n1,2,3\n7,2,3\n", "line 3: label 7 is outside the 4 classes 0 to 3")]
    [InlineData("label,a,b\n1,2,3\n-1,2,3\n", "line 3, column 1 ('label'): the label '-1' is not a class index")]
    [InlineData("label,a,b\n", "no data rows; the dataset would be empty")]
    [InlineData("", "the file is empty")]
    [InlineData("label,a,b\n1,\"2,3\n", "line 2: a quoted field is not closed")]
    public void BadDataNamesTheFileLineAndColumn(string content, string expected)
    {
        using var directory = new TempDirectory();
        string path = directory.File("bad.csv");
        File.WriteAllText(path, content);
        var exception = Assert.Throws<InvalidDataException>(() => CsvDataset.Load(path, new CsvOptions { ClassCount = 4 }));
        Assert.StartsWith(path, exception.Message);
        Assert.Contains(expected, exception.Message);
    }

    [Fact]
    public void AMissingFileOrColumnIsNamed()
    {
        using var directory = new TempDirectory();
        Assert.Contains("missing.csv", Assert.Throws<FileNotFoundException>(() => CsvDataset.Load(directory.File("missing.csv"))).Message);
        string path = directory.File("data.csv");
        File.WriteAllText(path, "a,b\n1,2\n");
        Assert.Contains("no column named 'label' in the header (a, b)", Assert.Throws<InvalidDataException>(() => CsvDataset.Load(path, new CsvOptions { LabelColumn = "label" })).Message);
    }

    private sealed class FloatComparer(float tolerance) : System.Collections.Generic.IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float value) => 0;
    }

    [Fact]
    public void ALabelOfIntMaxValueIsRefusedWithoutOverflowingTheClassCount()
    {
        using var directory = new TempDirectory();
        string path = directory.File("big.csv");
        File.WriteAllText(path, "label,x\n2147483647,1\n0,2\n");

        var exception = Assert.Throws<InvalidDataException>(() => CsvDataset.Load(path));

        Assert.Equal($"{path}, line 2: label 2147483647 would need 2147483648 classes, more than a class count holds (2147483647); expected class indexes from 0 to 2147483646.", exception.Message);
    }

    [Fact]
    public void ColumnsOutsideTheFileAreNamedWithTheFileAndItsColumnCount()
    {
        using var directory = new TempDirectory();
        string path = directory.File("three.csv");
        File.WriteAllText(path, "a,b,c\n1,2,3\n");

        var label = Assert.Throws<ArgumentException>(() => CsvDataset.Load(path, new CsvOptions { LabelColumnIndex = 5 }));
        Assert.StartsWith($"{path}: LabelColumnIndex is 5, but the header names 3 columns; expected an index from 0 to 2.", label.Message);
        Assert.Equal("options", label.ParamName);

        var target = Assert.Throws<ArgumentException>(() => CsvDataset.Load(path, new CsvOptions { TargetColumns = new[] { 9 } }));
        Assert.StartsWith($"{path}: TargetColumns holds column index 9, but the header names 3 columns; expected indexes from 0 to 2.", target.Message);

        var count = Assert.Throws<ArgumentException>(() => CsvDataset.Load(path, new CsvOptions { ClassCount = 0 }));
        Assert.StartsWith($"{path}: ClassCount is 0, expected at least 1.", count.Message);
    }
}
