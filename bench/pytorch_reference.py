#!/usr/bin/python3
"""The PyTorch side of StaticNet's comparison benchmark.

Runs the same networks, batch size, optimizer, loss, data and thread count as bench/StaticNet.Bench
and prints one JSON object of measurements on stdout. Run with Debian's /usr/bin/python3 (python3-torch).
With --export DIR it measures nothing and exports the networks, with the weights StaticNet saved in DIR,
as ONNX files for the bench to run in ONNX Runtime.
"""
import argparse
import gzip
import importlib.util
import json
import os
import statistics
import struct
import time
from collections import OrderedDict

import numpy as np
import torch
from torch import nn


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    rank = data[3]
    dims = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def find(directory, name):
    for candidate in (name + ".gz", name):
        path = os.path.join(directory, candidate)
        if os.path.exists(path):
            return path
    raise FileNotFoundError(f"{name} not found in {directory}")


def load(directory):
    train = read_idx(find(directory, "train-images-idx3-ubyte")).astype(np.float32) / 255.0
    labels = read_idx(find(directory, "train-labels-idx1-ubyte")).astype(np.int64)
    test = read_idx(find(directory, "t10k-images-idx3-ubyte")).astype(np.float32) / 255.0
    mean, std = train.mean(), train.std()
    train = (train - mean) / std
    test = (test - mean) / std
    return torch.from_numpy(train).unsqueeze(1), torch.from_numpy(labels), torch.from_numpy(test).unsqueeze(1)


def mlp():
    return nn.Sequential(OrderedDict([
        ("flatten", nn.Flatten()),
        ("fc1", nn.Linear(784, 256)), ("relu1", nn.ReLU()),
        ("fc2", nn.Linear(256, 128)), ("relu2", nn.ReLU()),
        ("fc3", nn.Linear(128, 10))]))


def lenet5():
    return nn.Sequential(OrderedDict([
        ("conv1", nn.Conv2d(1, 6, 5, padding=2)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
        ("conv2", nn.Conv2d(6, 16, 5)), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(2)),
        ("flatten1", nn.Flatten()),
        ("fc1", nn.Linear(400, 120)), ("relu3", nn.ReLU()),
        ("fc2", nn.Linear(120, 84)), ("relu4", nn.ReLU()),
        ("fc3", nn.Linear(84, 10))]))


def batchnorm_cnn():
    def block(index, inputs, outputs):
        return [(f"conv{index}", nn.Conv2d(inputs, outputs, 3, padding=1, bias=False)),
                (f"bn{index}", nn.BatchNorm2d(outputs)),
                (f"relu{index}", nn.ReLU())]
    return nn.Sequential(OrderedDict([
        *block(1, 1, 16), ("pool1", nn.MaxPool2d(2)),
        *block(2, 16, 32), ("pool2", nn.MaxPool2d(2)),
        *block(3, 32, 64),
        ("gap1", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten()),
        ("fc1", nn.Linear(64, 10))]))


def fashion_resnet():
    # The residual sample's own PyTorch twin (samples/ResidualFashionMnist/reference.py), not a copy of it.
    return sibling_module("residual_reference", "../samples/ResidualFashionMnist/reference.py").ResNet("flat48", dropout=0.3)


# Each network by the name the bench uses, with the shape of one input sample. Modules are named as
# StaticNet names its layers, so that a state_dict StaticNet saved loads as it is.
NETWORKS = {
    "mlp": (mlp, (784,)),
    "lenet5": (lenet5, (1, 28, 28)),
    "batchnorm_cnn": (batchnorm_cnn, (1, 28, 28)),
    "fashion_resnet": (fashion_resnet, (1, 28, 28)),
}


def sibling_module(name, repository_path):
    """A Python file the bench uses from elsewhere in the repository: beside this script, where the
    bench's build copies it as NAME.py, or at its place in the repository when run from bench/."""
    here = os.path.dirname(os.path.abspath(__file__))
    for path in (os.path.join(here, name + ".py"), os.path.normpath(os.path.join(here, repository_path))):
        if os.path.exists(path):
            spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    raise FileNotFoundError(f"{name}.py not found beside {here}, nor {repository_path} from there")


def training_throughput(model, images, labels, batch, steps, rounds, warmup, seed):
    """Samples per second of Adam steps on shuffled batches, the batch gathered inside the timed loop;
    the best of `rounds` rounds of steps // rounds steps, as StaticNet's side is measured."""
    torch.manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    order = torch.randperm(images.shape[0])
    model.train()

    def step(i):
        index = order[(i * batch) % (images.shape[0] - batch):][:batch]
        x, y = images[index], labels[index]
        optimizer.zero_grad(set_to_none=False)
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()

    # At least `warmup` steps and at least a second, as StaticNet's side warms up.
    i, began = 0, time.perf_counter()
    while i < warmup or time.perf_counter() - began < 1.0:
        step(i)
        i += 1
    best = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(steps // rounds):
            step(i)
            i += 1
        best = max(best, (steps // rounds) * batch / (time.perf_counter() - start))
    return best


def latency_us(model, sample, calls, warmup):
    """Median microseconds of one single-sample forward pass in inference mode."""
    model.eval()
    times = []
    with torch.inference_mode():
        for i in range(warmup + calls):
            start = time.perf_counter()
            model(sample)
            if i >= warmup:
                times.append((time.perf_counter() - start) * 1e6)
    return statistics.median(times)


def inference_throughput(model, test, batch, passes=3):
    """Samples per second of batched inference over the whole test set, the best of `passes` passes."""
    model.eval()
    best = 0.0
    with torch.inference_mode():
        for start in range(0, min(test.shape[0], 4 * batch), batch):
            model(test[start:start + batch])
        for _ in range(passes):
            begin = time.perf_counter()
            for start in range(0, test.shape[0], batch):
                model(test[start:start + batch])
            best = max(best, test.shape[0] / (time.perf_counter() - begin))
    return best


def export_onnx(name, directory):
    """Loads DIRECTORY/NAME.safetensors, which StaticNet saved, into the PyTorch network and exports it in
    inference mode as DIRECTORY/NAME.onnx (opset 13, the batch dimension named "batch"), for ONNX Runtime
    to run the same network with the same weights as StaticNet."""
    create, sample_shape = NETWORKS[name]
    model = create()
    tensors, _ = sibling_module("torch_to_safetensors", "../scripts/torch_to_safetensors.py").read_safetensors(os.path.join(directory, name + ".safetensors"))
    # strict: a tensor missing on either side, or of another shape, is an error rather than a silent default.
    model.load_state_dict(tensors, strict=True)
    model.eval()
    path = os.path.join(directory, name + ".onnx")
    torch.onnx.export(
        model, torch.zeros((1,) + sample_shape), path, opset_version=13,
        input_names=["input"], output_names=["output"],
        dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    return path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--latency-calls", type=int, default=2000)
    parser.add_argument("--inference-batch", type=int, default=256)
    parser.add_argument("--networks", default=",".join(NETWORKS), help="comma-separated, from: " + ", ".join(NETWORKS))
    parser.add_argument("--export", metavar="DIR", help="measure nothing: export each network's NAME.safetensors in DIR as NAME.onnx there")
    args = parser.parse_args()

    results = {"torch": torch.__version__}
    if args.export:
        results["onnx"] = {name: export_onnx(name, args.export) for name in args.networks.split(",")}
        print(json.dumps(results))
        return

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    images, labels, test = load(args.data)
    results.update(threads=args.threads, networks={})
    for name in args.networks.split(","):
        torch.manual_seed(0)
        model = NETWORKS[name][0]()
        results["networks"][name] = {
            "training_samples_per_second": training_throughput(model, images, labels, args.batch, args.steps, args.rounds, args.warmup, 0),
            "latency_us": latency_us(model, test[:1], args.latency_calls, 200),
            "inference_samples_per_second": inference_throughput(model, test, args.inference_batch),
        }
    print(json.dumps(results))


if __name__ == "__main__":
    main()
