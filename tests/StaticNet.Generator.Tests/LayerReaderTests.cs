using System;
using System.IO;
using System.Linq;
using System.Reflection;
using StaticNet.Generator.Parsing;
using Xunit;

namespace StaticNet.Generator.Tests;

/// <summary>The parser's table of layer attributes against the attribute classes users write.</summary>
public class LayerReaderTests
{
    /// <summary>A layer attribute the table lacked would be silently ignored on a declaration: every one must be read.</summary>
    [Fact]
    public void Every_layer_attribute_class_is_read_as_a_layer()
    {
        Assembly attributes = Assembly.LoadFrom(Path.Combine(Path.GetDirectoryName(typeof(INetwork).Assembly.Location)!, "StaticNet.Attributes.dll"));
        Type layerAttribute = attributes.GetType("StaticNet.LayerAttribute", throwOnError: true)!;
        string[] layerClasses = attributes.GetExportedTypes()
            .Where(type => !type.IsAbstract && layerAttribute.IsAssignableFrom(type))
            .Select(type => type.FullName!)
            .OrderBy(name => name, StringComparer.Ordinal)
            .ToArray();

        Assert.NotEmpty(layerClasses);
        Assert.Equal(layerClasses, LayerReader.MetadataNames.OrderBy(name => name, StringComparer.Ordinal));
    }
}
