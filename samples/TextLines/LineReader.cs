using StaticNet;

namespace StaticNet.Samples;

/// <summary>
/// Reads a line of up to five Fashion-MNIST items, 28 x 140 pixels: two 3x3 convolutions with 2x2 max
/// pooling bring the line to 32 x 7 x 35; a 7x7 convolution without padding then reduces the height to 1
/// and leaves 29 steps along the width, each seeing a window about one item wide (FashionCnn's
/// classifier, slid along the line); a 1x1 convolution per step and a last one to the 11 classes (the CTC
/// blank and the ten items) give the [11, 1, 29] output the class-major CTC loss reads. The declaration says the
/// output is a sequence, so the compiler checks that shape and gives <c>SequenceSteps</c> and <c>SequenceClasses</c>.
/// </summary>
[Network(Output = NetworkOutput.Sequence)]
[Input(1, 28, 140)]
[Conv2D(16, Kernel = 3, Padding = 1), ReLU, MaxPool2D(2)]
[Conv2D(32, Kernel = 3, Padding = 1), ReLU, MaxPool2D(2)]
[Conv2D(96, Kernel = 7), ReLU]
[Conv2D(96, Kernel = 1), ReLU]
[Conv2D(11, Kernel = 1)]
public partial class LineReader;
