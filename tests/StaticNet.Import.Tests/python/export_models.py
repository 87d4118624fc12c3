#!/usr/bin/env python3
"""The PyTorch side of the import tests: builds networks, exports them with torch.onnx.export, and
writes what PyTorch computes for the test images, so that the C# side can import each model, compile
the declaration and compare its Predict with these outputs.

    /usr/bin/python3 export_models.py images.safetensors OUTPUT_DIR

images.safetensors holds "images" [N, 1, 28, 28]: Fashion-MNIST test images, normalised by the C#
side as the samples do. For every model of MODELS this writes OUTPUT_DIR/<name>.onnx and
OUTPUT_DIR/<name>.outputs.safetensors ("outputs" [N, classes], the eval-mode forward pass); for every
model of FAILING only the .onnx, which the import must refuse. A few models are built node by node
with onnx.helper (HANDMADE), for what torch.onnx.export does not write (old opsets, Dropout nodes,
attributes the import refuses); PyTorch computes their outputs from the same weights with
torch.nn.functional. OUTPUT_DIR/manifest.json lists the models. Every network is seeded, so every run
writes the same files.

The networks mirror those of the repository: LeNet-5 as in README.md, the batch-norm CNN of
bench/Shared/BatchNormCnn.cs, the residual network of samples/ResidualFashionMnist (reference.py's
ResNet), a small Inception-style block joined with torch.cat, and one holding every activation.
"""

import json
import os
import sys
import warnings

try:
    import torch
    import torch.nn.functional as F
    from torch import nn
except ImportError:
    print(f"PyTorch is not installed for {sys.executable}: apt-get install python3-torch", file=sys.stderr)
    sys.exit(3)

try:
    import onnx
    from onnx import TensorProto, helper, numpy_helper
except ImportError:
    print(f"onnx is not installed for {sys.executable}: apt-get install python3-onnx", file=sys.stderr)
    sys.exit(4)

from torch_to_safetensors import read_safetensors, write_safetensors


class LeNet5(nn.Module):
    """README.md's LeNet-5, flattened with view(x.size(0), -1): the Shape, Gather, Unsqueeze, Concat arithmetic before Reshape."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1, self.fc2, self.fc3 = nn.Linear(400, 120), nn.Linear(120, 84), nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(x.size(0), -1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


class BatchNormCnn(nn.Module):
    """bench/Shared/BatchNormCnn.cs: three bias-free 3x3 convolutions with batch norm and ReLU, global average pooling, one dense layer."""

    def __init__(self):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16)
        self.conv2, self.bn2 = nn.Conv2d(16, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32)
        self.conv3, self.bn3 = nn.Conv2d(32, 64, 3, padding=1, bias=False), nn.BatchNorm2d(64)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        x = F.relu(self.bn3(self.conv3(x)))
        return self.fc1(torch.flatten(self.pool(x), 1))


class ResNet(nn.Module):
    """samples/ResidualFashionMnist/reference.py's ResNet ("flat48", dropout 0.3): an identity and a projection block."""

    def __init__(self):
        super().__init__()
        self.dropout = nn.Dropout(0.3)
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1, bias=False); self.bn1 = nn.BatchNorm2d(32)
        self.conv2 = nn.Conv2d(32, 32, 3, padding=1, bias=False); self.bn2 = nn.BatchNorm2d(32)
        self.conv3 = nn.Conv2d(32, 32, 3, padding=1, bias=False); self.block1_main = nn.BatchNorm2d(32)
        self.conv4 = nn.Conv2d(32, 48, 3, stride=2, padding=1, bias=False); self.bn4 = nn.BatchNorm2d(48)
        self.conv5 = nn.Conv2d(48, 48, 3, padding=1, bias=False); self.block2_main = nn.BatchNorm2d(48)
        self.conv6 = nn.Conv2d(32, 48, 1, stride=2, bias=False); self.block2_shortcut = nn.BatchNorm2d(48)
        self.fc1 = nn.Linear(48 * 49, 10)

    def forward(self, x):
        stem = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        block1 = F.relu(self.block1_main(self.conv3(F.relu(self.bn2(self.conv2(stem))))) + stem)
        main = self.block2_main(self.conv5(F.relu(self.bn4(self.conv4(block1)))))
        shortcut = self.block2_shortcut(self.conv6(block1))
        y = F.relu(shortcut + main)
        return self.fc1(self.dropout(y.flatten(1)))


class Inception(nn.Module):
    """A stem, four branches (1x1; 3x3; max pooling then 1x1; average pooling, which PyTorch exports as Pad then AveragePool, then 1x1) joined with torch.cat, and a log-softmax head."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(1, 8, 3, stride=2, padding=1)
        self.branch1 = nn.Conv2d(8, 4, 1)
        self.branch2 = nn.Conv2d(8, 6, 3, padding=1)
        self.branch3 = nn.Conv2d(8, 4, 1)
        self.branch4 = nn.Conv2d(8, 2, 1)
        self.head = nn.Linear(16, 10)

    def forward(self, x):
        stem = F.relu(self.stem(x))
        b1 = F.relu(self.branch1(stem))
        b2 = F.relu(self.branch2(stem))
        b3 = F.relu(self.branch3(F.max_pool2d(stem, 3, 1, 1)))
        b4 = self.branch4(F.avg_pool2d(stem, 3, 1, 1))
        joined = torch.cat([b1, b2, b3, b4], 1)
        pooled = F.adaptive_avg_pool2d(joined, 1).flatten(1)
        return F.log_softmax(self.head(pooled), 1)


class Activations(nn.Module):
    """Every activation StaticNet has, as PyTorch exports them, with MatMul then Add (x @ w + b), Gemm with transB 0 (addmm), BatchNorm1d and softmax."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, stride=2, padding=2, dilation=2)
        self.bn = nn.BatchNorm2d(4)
        self.pool = nn.AvgPool2d(2, stride=2, padding=1, count_include_pad=False)
        self.drop = nn.Dropout(0.25)
        self.fc1 = nn.Linear(4 * 8 * 8, 32)
        self.act = nn.Sequential(nn.GELU(), nn.SiLU(), nn.Softplus(beta=2), nn.ELU(0.5), nn.LeakyReLU(0.2), nn.Tanh())
        self.proj_w = nn.Parameter(torch.randn(32, 24) * 0.2)
        self.proj_b = nn.Parameter(torch.randn(24) * 0.1)
        self.addmm_w = nn.Parameter(torch.randn(24, 16) * 0.2)
        self.addmm_b = nn.Parameter(torch.randn(16) * 0.1)
        self.bn1d = nn.BatchNorm1d(16)
        self.out = nn.Linear(16, 10, bias=False)

    def forward(self, x):
        x = self.pool(torch.sigmoid(self.bn(self.conv(x))))
        x = self.drop(x.reshape(-1, 4 * 8 * 8))
        x = self.act(self.fc1(x))
        x = F.softplus(x @ self.proj_w + self.proj_b)
        x = torch.addmm(self.addmm_b, x, self.addmm_w)
        return torch.softmax(self.out(self.bn1d(x)), 1)


class Block(nn.Module):
    """A residual block as torchvision's ResNets write them, inside an nn.Sequential: nodes named /layer1/layer1.0/conv1/Conv."""

    def __init__(self):
        super().__init__()
        self.conv1, self.bn1, self.relu = nn.Conv2d(4, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4), nn.ReLU()

    def forward(self, x):
        return self.relu(self.bn1(self.conv1(x)) + x)


class NestedBlocks(nn.Module):
    """Two blocks in an nn.Sequential, with untrained batch norms, whose equal tensors PyTorch's export stores once for both."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(1, 4, 3, stride=2, padding=1)
        self.layer1 = nn.Sequential(Block(), Block())
        self.fc = nn.Linear(4 * 14 * 14, 10)

    def forward(self, x):
        return self.fc(torch.flatten(self.layer1(self.stem(x)), 1))


class RectangularWindows(nn.Module):
    """Windows that differ between height and width, as PyTorch's tuples write them: a 3x5 kernel with stride (2, 1) and
    padding (1, 2), a 1x3 kernel with stride (1, 2), dilation (1, 2) and padding (0, 2), max pooling over 2x1 windows,
    and average pooling over 1x3 windows of stride (1, 2) padded (0, 1), which the export writes as Pad then AveragePool."""

    def __init__(self):
        super().__init__()
        self.wide = nn.Conv2d(1, 4, (3, 5), stride=(2, 1), padding=(1, 2))
        self.row = nn.Conv2d(4, 6, (1, 3), stride=(1, 2), padding=(0, 2), dilation=(1, 2))
        self.fc = nn.Linear(6 * 7 * 7, 10)

    def forward(self, x):
        x = F.relu(self.row(F.relu(self.wide(x))))                      # [4, 14, 28], then [6, 14, 14]
        x = F.avg_pool2d(F.max_pool2d(x, (2, 1)), (1, 3), stride=(1, 2), padding=(0, 1))  # [6, 7, 14], then [6, 7, 7]
        return self.fc(torch.flatten(x, 1))


def randomise_batch_norm(model, seed):
    """Gives every batch norm weights, biases and running estimates away from their defaults, the estimates from training passes."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
                module.weight.copy_(0.5 + torch.rand(module.weight.shape, generator=generator))
                module.bias.copy_(torch.rand(module.bias.shape, generator=generator) - 0.5)
        model.train()
        for _ in range(3):
            model(torch.randn(16, 1, 28, 28, generator=generator) * 1.5 + 0.3)
    model.eval()


def export(model, path, opset, dynamic=True, batch=2, **options):
    arguments = dict(opset_version=opset, input_names=["input"], output_names=["output"])
    if dynamic:
        arguments["dynamic_axes"] = {"input": {0: "batch"}, "output": {0: "batch"}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, torch.zeros(batch, 1, 28, 28), path, **arguments, **options)


# name -> (network class, opset, export options). "folded" exports are torch.onnx.export's default for
# a model in eval mode, which folds each batch norm into the convolution before it; "preserve" keeps
# the BatchNormalization nodes (training=TrainingMode.PRESERVE).
PRESERVE = {"training": torch.onnx.TrainingMode.PRESERVE}
MODELS = {
    "lenet5": (LeNet5, 13, {}),
    "lenet5-fixed-batch": (LeNet5, 15, {"dynamic": False, "batch": 100}),
    "batchnorm-cnn": (BatchNormCnn, 17, {}),
    "batchnorm-cnn-preserve": (BatchNormCnn, 17, PRESERVE),
    "resnet": (ResNet, 14, PRESERVE),
    "resnet-folded": (ResNet, 13, {}),
    "inception": (Inception, 15, {}),
    "activations": (Activations, 16, PRESERVE),
    "nested-blocks": (NestedBlocks, 13, dict(PRESERVE, untrained=True)),
    # Older operator sets, whose Unsqueeze, Pad, Slice, Softmax and Dropout differ.
    "lenet5-opset9": (LeNet5, 9, {}),
    "inception-opset10": (Inception, 10, {}),
    "activations-opset11": (Activations, 11, PRESERVE),
    "resnet-opset12": (ResNet, 12, PRESERVE),
    "rectangular-windows": (RectangularWindows, 13, {}),
}


class GroupedConv(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem, self.grouped = nn.Conv2d(1, 4, 3), nn.Conv2d(4, 4, 3, groups=2)

    def forward(self, x):
        return self.grouped(F.relu(self.stem(x))).flatten(1)


class CeilModePool(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 2, 3)

    def forward(self, x):
        return F.max_pool2d(self.conv1(x), 3, ceil_mode=True).flatten(1)


class Upsampling(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 2, 3)

    def forward(self, x):
        return F.interpolate(self.conv1(x), scale_factor=2.0, mode="nearest").flatten(1)


FAILING = {
    "grouped-conv": (GroupedConv, 13, {}),
    "ceil-mode-pool": (CeilModePool, 13, {}),
    "upsampling": (Upsampling, 13, {}),
}


# ------------------------------------------------------------------------------------------------
# Models written node by node with onnx.helper.

def initializer(name, array):
    return numpy_helper.from_array(array.detach().numpy().astype("float32"), name)


def handmade_model(nodes, initializers, opset, output_size, input_shape=("batch", 1, 28, 28)):
    graph = helper.make_graph(
        nodes, "handmade",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, list(input_shape))],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", output_size])],
        initializers)
    model = helper.make_model(graph, producer_name="export_models.py", opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 7
    if opset <= onnx.defs.onnx_opset_version():
        onnx.checker.check_model(model)  # python3-onnx 1.12 knows operator sets up to 17
    return model


def opset11(generator):
    """Opset 11: Squeeze with an axes attribute, Dropout with a ratio attribute, Softmax's axis 1 over [batch, classes], Identity, Gemm with transB 1."""
    conv_w, conv_b = torch.randn(3, 1, 5, 5, generator=generator) * 0.3, torch.randn(3, generator=generator) * 0.1
    fc_w, fc_b = torch.randn(10, 3, generator=generator), torch.randn(10, generator=generator)
    nodes = [
        helper.make_node("Conv", ["input", "conv.weight", "conv.bias"], ["c"], name="conv", kernel_shape=[5, 5], strides=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["r"], name="relu"),
        helper.make_node("GlobalAveragePool", ["r"], ["g"], name="gap"),
        helper.make_node("Squeeze", ["g"], ["s"], name="squeeze", axes=[2, 3]),
        helper.make_node("Dropout", ["s"], ["d"], name="dropout", ratio=0.2),
        helper.make_node("Identity", ["d"], ["i"], name="identity"),
        helper.make_node("Gemm", ["i", "fc.weight", "fc.bias"], ["f"], name="fc", transB=1),
        helper.make_node("Softmax", ["f"], ["output"], name="softmax", axis=1),
    ]
    model = handmade_model(nodes, [initializer("conv.weight", conv_w), initializer("conv.bias", conv_b), initializer("fc.weight", fc_w), initializer("fc.bias", fc_b)], 11, 10)

    def reference(x):
        y = F.adaptive_avg_pool2d(F.relu(F.conv2d(x, conv_w, conv_b, stride=3, padding=1)), 1).flatten(1)
        return torch.softmax(y @ fc_w.T + fc_b, 1)

    return model, reference


def dropout_and_shapes(generator):
    """Opset 13: a Dropout node with a ratio input, a Reshape to [-1, features] and a MatMul without bias, with unnamed nodes."""
    w1, b1 = torch.randn(784, 16, generator=generator) * 0.05, torch.randn(16, generator=generator) * 0.1
    w2 = torch.randn(16, 10, generator=generator) * 0.3
    nodes = [
        helper.make_node("Reshape", ["input", "shape"], ["flat"]),
        helper.make_node("MatMul", ["flat", "w1"], ["m1"]),
        helper.make_node("Add", ["b1", "m1"], ["a1"]),
        helper.make_node("Tanh", ["a1"], ["t1"]),
        helper.make_node("Dropout", ["t1", "ratio"], ["d1"]),
        helper.make_node("MatMul", ["d1", "w2"], ["output"]),
    ]
    shape = numpy_helper.from_array(torch.tensor([-1, 784]).numpy(), "shape")
    ratio = numpy_helper.from_array(torch.tensor(0.3).numpy().astype("float32"), "ratio")
    model = handmade_model(nodes, [shape, ratio, initializer("w1", w1), initializer("b1", b1), initializer("w2", w2)], 13, 10)

    def reference(x):
        return torch.tanh(x.reshape(-1, 784) @ w1 + b1) @ w2

    return model, reference


def pooled_image(generator):
    """Opset 13: GlobalAveragePool read as an image (by a Sigmoid, then Squeeze with an axes input), Gemm with transB 0, LeakyRelu's default slope."""
    conv_w, conv_b = torch.randn(5, 1, 3, 3, generator=generator) * 0.3, torch.randn(5, generator=generator) * 0.1
    fc_w, fc_b = torch.randn(5, 10, generator=generator), torch.randn(10, generator=generator)
    nodes = [
        helper.make_node("Conv", ["input", "conv.weight", "conv.bias"], ["c"], name="conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2]),
        helper.make_node("LeakyRelu", ["c"], ["l"], name="leaky"),
        helper.make_node("GlobalAveragePool", ["l"], ["g"], name="gap"),
        helper.make_node("Sigmoid", ["g"], ["s"], name="gate"),
        helper.make_node("Squeeze", ["s", "axes"], ["q"], name="squeeze"),
        helper.make_node("Gemm", ["q", "fc.weight", "fc.bias"], ["f"], name="fc"),
        helper.make_node("LogSoftmax", ["f"], ["output"], name="log_softmax"),
    ]
    axes = numpy_helper.from_array(torch.tensor([2, 3]).numpy(), "axes")
    model = handmade_model(nodes, [axes, initializer("conv.weight", conv_w), initializer("conv.bias", conv_b), initializer("fc.weight", fc_w), initializer("fc.bias", fc_b)], 13, 10)

    def reference(x):
        y = F.leaky_relu(F.conv2d(x, conv_w, conv_b, stride=2, padding=1), 0.01)
        return torch.log_softmax(torch.sigmoid(y.mean((2, 3))) @ fc_w + fc_b, 1)

    return model, reference


def gelu_opset20(generator):
    """Opset 20's Gelu operator (newer than PyTorch 1.13 and python3-onnx 1.12 write, so not checked by onnx.checker)."""
    fc_w, fc_b = torch.randn(12, 784, generator=generator) * 0.05, torch.randn(12, generator=generator)
    out_w = torch.randn(10, 12, generator=generator) * 0.3
    nodes = [
        helper.make_node("Flatten", ["input"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "fc.weight", "fc.bias"], ["h"], name="fc", transB=1),
        helper.make_node("Gelu", ["h"], ["g"], name="gelu"),
        helper.make_node("Gemm", ["g", "out.weight"], ["output"], name="out", transB=1),
    ]
    model = handmade_model(nodes, [initializer("fc.weight", fc_w), initializer("fc.bias", fc_b), initializer("out.weight", out_w)], 20, 10)
    model.ir_version = 9

    def reference(x):
        return F.gelu(x.flatten(1) @ fc_w.T + fc_b) @ out_w.T

    return model, reference


def asymmetric_padding(generator):
    """A Conv padded one row above but none below: begin and end of an axis differ, which no StaticNet (or PyTorch) layer does."""
    nodes = [helper.make_node("Conv", ["input", "w"], ["c"], name="padded", kernel_shape=[3, 3], pads=[1, 0, 0, 0]),
             helper.make_node("Flatten", ["c"], ["output"], name="flat")]
    return handmade_model(nodes, [initializer("w", torch.randn(2, 1, 3, 3, generator=generator))], 13, 2 * 27 * 26), {}


def gemm_with_alpha(generator):
    nodes = [helper.make_node("Flatten", ["input"], ["f"], name="flat"),
             helper.make_node("Gemm", ["f", "w"], ["output"], name="scaled", alpha=0.5, transB=1)]
    return handmade_model(nodes, [initializer("w", torch.randn(10, 784, generator=generator))], 13, 10), {}


def external_data(generator):
    """A model whose weight is kept in a file beside it, as onnx saves models over 2 GB."""
    nodes = [helper.make_node("Flatten", ["input"], ["f"], name="flat"),
             helper.make_node("Gemm", ["f", "fc.weight"], ["output"], name="fc", transB=1)]
    model = handmade_model(nodes, [initializer("fc.weight", torch.randn(10, 784, generator=generator))], 13, 10)
    return model, {"save_as_external_data": True, "location": "external-data.onnx.data", "size_threshold": 0}


HANDMADE = {"opset11": opset11, "dropout-and-shapes": dropout_and_shapes, "pooled-image": pooled_image, "gelu-opset20": gelu_opset20}
HANDMADE_FAILING = {"asymmetric-padding": asymmetric_padding, "gemm-alpha": gemm_with_alpha, "external-data": external_data}


def main(images_path, out_dir):
    torch.set_num_threads(1)
    tensors, _ = read_safetensors(images_path)
    images = tensors["images"]
    os.makedirs(out_dir, exist_ok=True)
    manifest = {"models": [], "failing": []}
    for index, (name, (network, opset, options)) in enumerate(MODELS.items()):
        torch.manual_seed(index + 1)
        model = network()
        options = dict(options)
        if options.pop("untrained", False):
            model.eval()
        else:
            randomise_batch_norm(model, seed=100 + index)
        export(model, os.path.join(out_dir, name + ".onnx"), opset, **options)
        with torch.no_grad():
            outputs = model(images)
        write_safetensors(os.path.join(out_dir, name + ".outputs.safetensors"), {"outputs": outputs})
        manifest["models"].append({"name": name, "opset": opset, "outputs": list(outputs.shape)})

    for index, (name, make) in enumerate(HANDMADE.items()):
        model, reference = make(torch.Generator().manual_seed(200 + index))
        onnx.save(model, os.path.join(out_dir, name + ".onnx"))
        with torch.no_grad():
            outputs = reference(images)
        write_safetensors(os.path.join(out_dir, name + ".outputs.safetensors"), {"outputs": outputs})
        manifest["models"].append({"name": name, "opset": model.opset_import[0].version, "outputs": list(outputs.shape)})

    for index, (name, (network, opset, options)) in enumerate(FAILING.items()):
        torch.manual_seed(300 + index)
        model = network().eval()
        export(model, os.path.join(out_dir, name + ".onnx"), opset, **options)
        manifest["failing"].append(name)

    for index, (name, make) in enumerate(HANDMADE_FAILING.items()):
        model, save_options = make(torch.Generator().manual_seed(400 + index))
        onnx.save_model(model, os.path.join(out_dir, name + ".onnx"), **save_options)
        manifest["failing"].append(name)

    with open(os.path.join(out_dir, "manifest.json"), "w") as file:
        json.dump(manifest, file, indent=1)
    print(f"{len(manifest['models'])} models and {len(manifest['failing'])} failing models written to {out_dir}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1], sys.argv[2])
