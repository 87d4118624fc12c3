using System.Collections.Generic;

namespace StaticNet.Generator.Tests;

/// <summary>Network declarations built in code, shared by the generator tests and the generator bench.</summary>
internal static class Declarations
{
    /// <summary>
    /// ResNet-18 (He et al., 2016) for 3x224x224 images with torchvision's layer sizes: a 7x7 stem, four stages of
    /// two basic blocks (the first block of stages 2 to 4 halving the resolution, with a 1x1 projection on its
    /// shortcut), global average pooling and a 1000-way classifier; 11,689,512 parameters.
    /// </summary>
    public static string ResNet18 { get; } = BuildResNet18();

    private static string BuildResNet18()
    {
        var lines = new List<string>
        {
            "using StaticNet;",
            "namespace Tests.Networks;",
            "[Network]",
            "[Input(3, 224, 224)]",
            "[Conv2D(64, 7, Stride = 2, Padding = 3, Bias = false), BatchNorm2D, ReLU, MaxPool2D(3, Stride = 2, Padding = 1, Name = \"stem\")]",
        };
        string previous = "stem";
        int[] widths = { 64, 128, 256, 512 };
        for (int stage = 0; stage < widths.Length; stage++)
        {
            for (int block = 0; block < 2; block++)
            {
                string name = $"layer{stage + 1}_{block}";
                int stride = stage > 0 && block == 0 ? 2 : 1;
                lines.Add($"[Conv2D({widths[stage]}, 3, Stride = {stride}, Padding = 1, Bias = false, From = \"{previous}\"), BatchNorm2D, ReLU]");
                lines.Add($"[Conv2D({widths[stage]}, 3, Padding = 1, Bias = false), BatchNorm2D(Name = \"{name}_main\")]");
                string shortcut = previous;
                if (stride == 2)
                {
                    lines.Add($"[Conv2D({widths[stage]}, 1, Stride = 2, Bias = false, From = \"{previous}\"), BatchNorm2D(Name = \"{name}_shortcut\")]");
                    shortcut = name + "_shortcut";
                    lines.Add($"[Add(\"{name}_main\", Name = \"{name}_sum\"), ReLU(Name = \"{name}\")]");
                }
                else
                {
                    lines.Add($"[Add(\"{shortcut}\", From = \"{name}_main\", Name = \"{name}_sum\"), ReLU(Name = \"{name}\")]");
                }

                previous = name;
            }
        }

        lines.Add("[GlobalAvgPool2D]");
        lines.Add("[Dense(1000)]");
        lines.Add("public partial class ResNet18;");
        return string.Join("\n", lines);
    }
}
