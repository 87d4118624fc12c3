namespace StaticNet;

/// <summary>
/// How unnamed layers are named: the prefix of each layer attribute, followed by the layer's 1-based
/// position among the layers with that prefix (<c>conv1</c>, <c>fc2</c>, <c>leaky_relu1</c>). The
/// generator names layers by it; the ONNX import writes a <c>Name</c> only where the default differs.
/// This one file is compiled into both.
/// </summary>
internal static class DefaultLayerNames
{
    /// <summary>The prefix of unnamed layers of the attribute <paramref name="attribute"/>, spelled as in a declaration (<c>Conv2D</c>), or null for a name that is no layer attribute.</summary>
    public static string? Prefix(string attribute) => attribute switch
    {
        "Dense" => "fc",
        "Conv2D" => "conv",
        "MaxPool2D" => "pool",
        "AvgPool2D" => "pool",
        "Flatten" => "flatten",
        "ReLU" => "relu",
        "Sigmoid" => "sigmoid",
        "Tanh" => "tanh",
        "Softmax" => "softmax",
        "BatchNorm2D" => "bn",
        "BatchNorm1D" => "bn",
        "Dropout" => "dropout",
        "Add" => "add",
        "Concat" => "concat",
        "GlobalAvgPool2D" => "gap",
        "LeakyReLU" => "leaky_relu",
        "ELU" => "elu",
        "GELU" => "gelu",
        "SiLU" => "silu",
        "Softplus" => "softplus",
        "LogSoftmax" => "log_softmax",
        _ => null,
    };
}
