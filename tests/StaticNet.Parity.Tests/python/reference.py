"""PyTorch reference for StaticNet's parity tests.

    /usr/bin/python3 reference.py CASE_DIR RESULT_DIR

Runs every case file CASE_DIR/NAME.safetensors that the C# tests wrote and writes
RESULT_DIR/NAME.safetensors (or RESULT_DIR/NAME.error.txt with the traceback when the case fails
here). A case file holds:

    param/<state_dict name>   initial parameters, in PyTorch's layout
    input/<k>                 batch k's inputs, [batch, input length] (reshaped here to the network's input shape)
    labels/<k>                batch k's class indices (as float32), for classification losses
    targets/<k>               batch k's target values, for regression losses
    mask/<layer>/<k>          step k's dropout mask of a layer, [batch, features]: 0 or 1 / (1 - p), StaticNet's own
    __metadata__["case"]      JSON: {"network", "loss": {"name", "args"},
                              "optimizer": {"name", "args", "trainable", "record_momentum",
                                            "scheduler": {"name", "args", "metrics"} or null} or null,
                              "steps", "batches", "step_by_step"}

Each step k uses batch k % batches: zero the gradients, forward, loss, backward, optimizer step,
then the learning-rate scheduler's step if there is one (scheduler.step(metrics[k]) when the
scheduler has a metric sequence, as ReduceLROnPlateau does).
"trainable", when present, lists for each step the state_dict names the optimizer updates: the
optimizer is given only the first step's parameters (the others are not in its param groups), a
parameter that becomes trainable later joins through add_param_group, and one that stops being
trainable has its .grad set to None for that step, so the optimizer skips it and keeps its state.
The result file holds, from the first step (before any update): output, input_grad, grad/<name>;
from every step: loss [steps], lr [steps] (the learning rate each optimizer step used) and, with
record_momentum, momentum [steps] (SGD's and RMSprop's momentum, or beta1); after the last step:
param/<name>, and predict (batch 0's output in inference mode, model.eval()). With step_by_step,
also the parameters before each step k and its gradients: step/<k>/param/<name>, step/<k>/grad/<name>.
initial/<name> holds each tensor that PyTorch initialises without drawing random numbers (batch norm's
weight, bias and running estimates), as a freshly built model has it.

param/<name> includes the state_dict's buffers (batch norm's running_mean, running_var,
num_batches_tracked). The files carry every tensor as float32; num_batches_tracked, int64 in PyTorch,
is converted to it on loading and back to float32 on writing (exact below 2^24 batches).

Dropout cannot draw StaticNet's masks (a hash of seed, step, layer and position, not torch's
generator), so the twins use StaticNetMaskDropout: in training it multiplies by the case's mask of
the step, in eval it is nn.Dropout (the identity).

The networks are written here by hand, independently of StaticNet's generated code: each entry of
NETWORKS is the network's input shape and its torch.nn modules, named so that state_dict names
match StaticNet's. Losses, optimizers and schedulers are looked up by name in torch.nn,
torch.optim and torch.optim.lr_scheduler, after OPTIMIZERS and SCHEDULERS below: the few rules
PyTorch 1.13 lacks, written here in torch tensor code from their papers and documentation. LOSSES
holds adapters for losses whose inputs PyTorch takes in another layout (the triplet margin loss's
three tensors), which call the torch.nn loss itself. A
loss argument given as a list (CrossEntropyLoss's weight) becomes a float32 tensor; a scheduler
argument "schedulers" (SequentialLR's) is a list of scheduler specs, built on the same optimizer.

Safetensors is read and written by scripts/torch_to_safetensors.py (copied next to this file), the
standard-library writer users convert their PyTorch weights with.
"""

import sys
import warnings
from collections import OrderedDict

try:
    import torch
    from torch import nn
except ImportError:
    # The C# side recognises exit code 3 and explains how to install PyTorch.
    print(f"PyTorch is not installed for {sys.executable}: apt-get install python3-torch", file=sys.stderr)
    sys.exit(3)

from case_runner import run_cases


# ----------------------------------------------------------------------------------------------
# The networks, by the C# class name. Add one line per new test network.

def net(input_shape, *layers):
    """A network: its input shape without the batch, and its (name, module) layers in order."""
    return input_shape, nn.Sequential(OrderedDict(layers))


class StaticNetMaskDropout(nn.Dropout):
    """nn.Dropout(p) whose training mask is given (StaticNet's, [batch, features] of 0 or 1 / (1 - p),
    set by run_case before each step) instead of drawn; in eval mode it is nn.Dropout, the identity."""

    mask = None

    def forward(self, x):
        if not self.training:
            return super().forward(x)
        if self.mask is None:
            raise ValueError("StaticNetMaskDropout in training needs the case's mask for this step (mask/<layer>/<step>)")
        return x * self.mask.reshape(x.shape)


class ResidualDenseNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.fc3, self.fc4 = nn.Linear(6, 8), nn.Linear(8, 8), nn.Linear(8, 8), nn.Linear(8, 4)

    def forward(self, x):
        stem = torch.tanh(self.fc1(x))
        return self.fc4(torch.tanh(self.fc3(torch.relu(self.fc2(stem))) + stem))


class ResidualFanOutNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.fc3, self.fc4 = nn.Linear(6, 7), nn.Linear(7, 7), nn.Linear(7, 7), nn.Linear(7, 3)

    def forward(self, x):
        stem = torch.tanh(self.fc1(x))
        branch = torch.relu(self.fc2(stem))
        return self.fc4(torch.sigmoid(self.fc3(stem)) + branch + stem)


class ResNetBlockNet(nn.Module):
    """A basic block with a 1x1 stride-2 projection shortcut (StaticNet names its third batch norm "main")."""

    def __init__(self):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(2, 3, 3, padding=1, bias=False), nn.BatchNorm2d(3)
        self.conv2, self.bn2 = nn.Conv2d(3, 6, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(6)
        self.conv3, self.main = nn.Conv2d(6, 6, 3, padding=1, bias=False), nn.BatchNorm2d(6)
        self.conv4, self.bn4 = nn.Conv2d(3, 6, 1, stride=2, bias=False), nn.BatchNorm2d(6)
        self.fc1 = nn.Linear(6, 4)

    def forward(self, x):
        block_in = torch.relu(self.bn1(self.conv1(x)))
        main = self.main(self.conv3(torch.relu(self.bn2(self.conv2(block_in)))))
        shortcut = self.bn4(self.conv4(block_in))
        y = torch.relu(shortcut + main)
        return self.fc1(torch.flatten(nn.functional.adaptive_avg_pool2d(y, 1), 1))


class ConcatBranchesNet(nn.Module):
    """Three branches and the stem joined by torch.cat along channels, then flat features joined after pooling."""

    def __init__(self):
        super().__init__()
        self.stem, self.b1, self.b2, self.b3 = nn.Conv2d(2, 3, 3, padding=1), nn.Conv2d(3, 2, 1), nn.Conv2d(3, 4, 3, padding=1), nn.Conv2d(3, 2, 1)
        self.mix, self.fc = nn.Conv2d(11, 3, 1), nn.Linear(63, 4)

    def forward(self, x):
        stem = torch.tanh(self.stem(x))
        b1 = self.b1(stem)
        b2 = torch.relu(self.b2(stem))
        b3 = self.b3(nn.functional.max_pool2d(stem, 3, stride=1, padding=1))
        joined = torch.cat([b1, b2, b3, stem], 1)
        gap = torch.sigmoid(self.mix(joined)).mean((2, 3))
        return self.fc(torch.cat([torch.flatten(b1, 1), gap], 1))


def activation_net(make):
    """StaticNet's activation networks: the activation on the 8 inputs, then Dense(9), the activation, Dense(4)."""
    return net((8,), ("act1", make()), ("fc1", nn.Linear(8, 9)), ("act2", make()), ("fc2", nn.Linear(9, 4)))


NETWORKS = {
    # Dense
    "DenseNet": lambda: net((7,), ("fc1", nn.Linear(7, 5)), ("relu1", nn.ReLU()), ("fc2", nn.Linear(5, 4))),
    "DenseNoBiasNet": lambda: net((6,), ("fc1", nn.Linear(6, 8, bias=False)), ("relu1", nn.ReLU()), ("fc2", nn.Linear(8, 3, bias=False))),
    # Activations, each between two dense layers
    "ReluNet": lambda: net((6,), ("fc1", nn.Linear(6, 9)), ("relu1", nn.ReLU()), ("fc2", nn.Linear(9, 4))),
    "SigmoidNet": lambda: net((6,), ("fc1", nn.Linear(6, 9)), ("sigmoid1", nn.Sigmoid()), ("fc2", nn.Linear(9, 4))),
    "TanhNet": lambda: net((6,), ("fc1", nn.Linear(6, 9)), ("tanh1", nn.Tanh()), ("fc2", nn.Linear(9, 4))),
    "SoftmaxNet": lambda: net((6,), ("fc1", nn.Linear(6, 5)), ("softmax1", nn.Softmax(dim=1))),
    # Conv2D
    "ConvNet": lambda: net((2, 6, 6),
                           ("conv1", nn.Conv2d(2, 3, 3)), ("relu1", nn.ReLU()),
                           ("flatten1", nn.Flatten()), ("fc1", nn.Linear(3 * 4 * 4, 4))),
    "ConvStridePadNet": lambda: net((2, 7, 8),
                                    ("conv1", nn.Conv2d(2, 3, 3, stride=2, padding=1)), ("tanh1", nn.Tanh()),
                                    ("flatten1", nn.Flatten()), ("fc1", nn.Linear(3 * 4 * 4, 3))),
    "ConvStride2Pad2Net": lambda: net((3, 11, 10),
                                      ("conv1", nn.Conv2d(3, 4, 5, stride=2, padding=2)), ("sigmoid1", nn.Sigmoid()),
                                      ("flatten1", nn.Flatten()), ("fc1", nn.Linear(4 * 6 * 5, 3))),
    "ConvUntiledNoBiasNet": lambda: net((2, 9, 9),
                                        ("conv1", nn.Conv2d(2, 2, 4, stride=3, bias=False)), ("sigmoid1", nn.Sigmoid()),
                                        ("flatten1", nn.Flatten()), ("fc1", nn.Linear(2 * 2 * 2, 2))),
    "ConvLargeKernelNet": lambda: net((2, 12, 11),
                                      ("conv1", nn.Conv2d(2, 3, 9, padding=1)),
                                      ("flatten1", nn.Flatten()), ("fc1", nn.Linear(3 * 6 * 5, 3))),
    "ConvLargeKernelStrideNet": lambda: net((1, 20, 20),
                                            ("conv1", nn.Conv2d(1, 2, 9, stride=2, padding=3, bias=False)), ("relu1", nn.ReLU()),
                                            ("flatten1", nn.Flatten()), ("fc1", nn.Linear(2 * 9 * 9, 3))),
    # MaxPool2D
    "MaxPoolNet": lambda: net((2, 6, 6),
                              ("pool1", nn.MaxPool2d(2)),
                              ("flatten1", nn.Flatten()), ("fc1", nn.Linear(2 * 3 * 3, 3))),
    "MaxPoolPadNet": lambda: net((2, 6, 7),
                                 ("pool1", nn.MaxPool2d(3, stride=2, padding=1)),
                                 ("flatten1", nn.Flatten()), ("fc1", nn.Linear(2 * 3 * 4, 3))),
    "MaxPoolUntiledNet": lambda: net((2, 7, 8),
                                     ("pool1", nn.MaxPool2d(3)),
                                     ("flatten1", nn.Flatten()), ("fc1", nn.Linear(2 * 2 * 2, 3))),
    "MaxPoolOverlapNet": lambda: net((1, 7, 7),
                                     ("pool1", nn.MaxPool2d(3, stride=1)),
                                     ("flatten1", nn.Flatten()), ("fc1", nn.Linear(1 * 5 * 5, 3))),
    "MaxPoolLargeNet": lambda: net((2, 11, 11),
                                   ("pool1", nn.MaxPool2d(9, stride=2, padding=4)),
                                   ("flatten1", nn.Flatten()), ("fc1", nn.Linear(2 * 6 * 6, 3))),
    # AvgPool2D
    "AvgPoolNet": lambda: net((2, 6, 6),
                              ("pool1", nn.AvgPool2d(2)),
                              ("flatten1", nn.Flatten()), ("fc1", nn.Linear(2 * 3 * 3, 3))),
    "AvgPoolPadNet": lambda: net((2, 7, 6),
                                 ("pool1", nn.AvgPool2d(3, stride=2, padding=1)),
                                 ("flatten1", nn.Flatten()), ("fc1", nn.Linear(2 * 4 * 3, 3))),
    "AvgPoolExcludePadNet": lambda: net((2, 7, 6),
                                        ("pool1", nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False)),
                                        ("flatten1", nn.Flatten()), ("fc1", nn.Linear(2 * 4 * 3, 3))),
    "AvgPoolUntiledNet": lambda: net((2, 7, 8),
                                     ("pool1", nn.AvgPool2d(3)),
                                     ("flatten1", nn.Flatten()), ("fc1", nn.Linear(2 * 2 * 2, 3))),
    "AvgPoolOverlapNet": lambda: net((1, 7, 7),
                                     ("pool1", nn.AvgPool2d(3, stride=1)),
                                     ("flatten1", nn.Flatten()), ("fc1", nn.Linear(1 * 5 * 5, 3))),
    "AvgPoolLargeNet": lambda: net((2, 11, 11),
                                   ("pool1", nn.AvgPool2d(9, stride=2, padding=4)),
                                   ("flatten1", nn.Flatten()), ("fc1", nn.Linear(2 * 6 * 6, 3))),
    "AvgPoolLargeExcludePadNet": lambda: net((2, 11, 11),
                                             ("pool1", nn.AvgPool2d(9, stride=2, padding=4, count_include_pad=False)),
                                             ("flatten1", nn.Flatten()), ("fc1", nn.Linear(2 * 6 * 6, 3))),
    # Batch normalisation (training: batch statistics; eval: running estimates)
    "BatchNorm2DNet": lambda: net((2, 5, 4),
                                  ("conv1", nn.Conv2d(2, 3, 3, padding=1, bias=False)), ("bn1", nn.BatchNorm2d(3)), ("relu1", nn.ReLU()),
                                  ("flatten1", nn.Flatten()), ("fc1", nn.Linear(3 * 5 * 4, 4))),
    "BatchNorm2DMomentumNet": lambda: net((2, 5, 4),
                                          ("conv1", nn.Conv2d(2, 3, 3, padding=1, bias=False)), ("bn1", nn.BatchNorm2d(3, eps=0.05, momentum=0.35)),
                                          ("tanh1", nn.Tanh()), ("flatten1", nn.Flatten()), ("fc1", nn.Linear(3 * 5 * 4, 4))),
    "BatchNorm2DNoAffineNet": lambda: net((2, 5, 4),
                                          ("conv1", nn.Conv2d(2, 3, 3, padding=1, bias=False)), ("bn1", nn.BatchNorm2d(3, affine=False)),
                                          ("relu1", nn.ReLU()), ("flatten1", nn.Flatten()), ("fc1", nn.Linear(3 * 5 * 4, 4))),
    "BatchNorm1DNet": lambda: net((6,), ("fc1", nn.Linear(6, 8, bias=False)), ("bn1", nn.BatchNorm1d(8)), ("tanh1", nn.Tanh()), ("fc2", nn.Linear(8, 4))),
    "BatchNorm1DMomentumNet": lambda: net((6,), ("fc1", nn.Linear(6, 8, bias=False)), ("bn1", nn.BatchNorm1d(8, eps=0.1, momentum=0.25)),
                                          ("sigmoid1", nn.Sigmoid()), ("fc2", nn.Linear(8, 4))),
    "BatchNorm1DNoAffineNet": lambda: net((6,), ("fc1", nn.Linear(6, 8, bias=False)), ("bn1", nn.BatchNorm1d(8, affine=False)),
                                          ("relu1", nn.ReLU()), ("fc2", nn.Linear(8, 4))),
    "BatchNorm1DInputNet": lambda: net((5,), ("bn1", nn.BatchNorm1d(5, momentum=0.2)), ("fc1", nn.Linear(5, 3))),
    # Residual connections (not chains: modules whose attribute names are the state_dict names)
    "ResidualDenseNet": lambda: ((6,), ResidualDenseNet()),
    "ResidualFanOutNet": lambda: ((6,), ResidualFanOutNet()),
    "ResNetBlockNet": lambda: ((2, 7, 6), ResNetBlockNet()),
    "ConcatBranchesNet": lambda: ((2, 5, 6), ConcatBranchesNet()),
    "WideConvNet": lambda: net((2, 8, 8),
                               ("conv1", nn.Conv2d(2, 16, 3, padding=1)), ("relu1", nn.ReLU()),
                               ("conv2", nn.Conv2d(16, 32, 3, padding=1, bias=False)), ("bn1", nn.BatchNorm2d(32)), ("relu2", nn.ReLU()),
                               ("pool1", nn.AdaptiveAvgPool2d(1)), ("flatten1", nn.Flatten()), ("fc1", nn.Linear(32, 4))),
    # Global average pooling (AdaptiveAvgPool2d(1) then Flatten) and dilated convolutions
    "GlobalAvgPoolNet": lambda: net((3, 5, 7),
                                    ("conv1", nn.Conv2d(3, 4, 3)), ("tanh1", nn.Tanh()),
                                    ("pool1", nn.AdaptiveAvgPool2d(1)), ("flatten1", nn.Flatten()), ("fc1", nn.Linear(4, 3))),
    "ConvDilatedNet": lambda: net((2, 11, 10),
                                  ("conv1", nn.Conv2d(2, 3, 3, stride=2, padding=2, dilation=2)), ("tanh1", nn.Tanh()),
                                  ("flatten1", nn.Flatten()), ("fc1", nn.Linear(3 * 6 * 5, 3))),
    "ConvDilatedUntiledNet": lambda: net((2, 9, 10),
                                         ("conv1", nn.Conv2d(2, 3, 2, stride=3, padding=1, dilation=3, bias=False)), ("relu1", nn.ReLU()),
                                         ("flatten1", nn.Flatten()), ("fc1", nn.Linear(3 * 3 * 3, 3))),
    # Windows given per axis: PyTorch's (height, width) tuples
    "ConvRectangularNet": lambda: net((2, 9, 8),
                                      ("conv1", nn.Conv2d(2, 3, (3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2))), ("tanh1", nn.Tanh()),
                                      ("flatten1", nn.Flatten()), ("fc1", nn.Linear(3 * 5 * 6, 3))),
    "ConvRectangularShiftedNet": lambda: net((2, 7, 9),
                                             ("conv1", nn.Conv2d(2, 3, (3, 2), padding=(1, 0), dilation=(1, 2))), ("sigmoid1", nn.Sigmoid()),
                                             ("flatten1", nn.Flatten()), ("fc1", nn.Linear(3 * 7 * 7, 3))),
    "ConvRowKernelNet": lambda: net((2, 6, 9),
                                    ("conv1", nn.Conv2d(2, 3, (1, 5), padding=(0, 2))), ("relu1", nn.ReLU()),
                                    ("flatten1", nn.Flatten()), ("fc1", nn.Linear(3 * 6 * 9, 3))),
    "ConvColumnKernelNet": lambda: net((2, 8, 5),
                                       ("conv1", nn.Conv2d(2, 2, (5, 1), stride=(2, 1), padding=(2, 0))), ("tanh1", nn.Tanh()),
                                       ("flatten1", nn.Flatten()), ("fc1", nn.Linear(2 * 4 * 5, 3))),
    "ConvAsymmetricStrideNet": lambda: net((1, 10, 9),
                                           ("conv1", nn.Conv2d(1, 2, (3, 2), stride=(1, 2), padding=(0, 2), dilation=(2, 1), bias=False)), ("tanh1", nn.Tanh()),
                                           ("flatten1", nn.Flatten()), ("fc1", nn.Linear(2 * 6 * 6, 3))),
    "MaxPoolRectangularNet": lambda: net((2, 6, 7),
                                         ("pool1", nn.MaxPool2d((3, 2), stride=(3, 1), padding=(1, 0))),
                                         ("flatten1", nn.Flatten()), ("fc1", nn.Linear(2 * 2 * 6, 3))),
    "AvgPoolRectangularExcludePadNet": lambda: net((2, 7, 6),
                                                   ("pool1", nn.AvgPool2d((1, 3), stride=(1, 2), padding=(0, 1), count_include_pad=False)),
                                                   ("flatten1", nn.Flatten()), ("fc1", nn.Linear(2 * 7 * 3, 3))),
    "AvgPoolRectangularNet": lambda: net((2, 6, 7),
                                         ("pool1", nn.AvgPool2d((2, 3), padding=(1, 1))),
                                         ("flatten1", nn.Flatten()), ("fc1", nn.Linear(2 * 4 * 3, 3))),
    # Activations of the layer catalog, on the input and after a dense layer
    "LeakyReluNet": lambda: activation_net(lambda: nn.LeakyReLU(0.2)),
    "EluNet": lambda: activation_net(lambda: nn.ELU(alpha=0.7)),
    "GeluNet": lambda: activation_net(lambda: nn.GELU()),  # approximate='none': the erf form
    "SiluNet": lambda: activation_net(nn.SiLU),
    "SoftplusNet": lambda: activation_net(nn.Softplus),
    "SoftplusBetaNet": lambda: activation_net(lambda: nn.Softplus(beta=2, threshold=5)),
    "LogSoftmaxNet": lambda: net((10,), ("log_softmax1", nn.LogSoftmax(dim=1))),
    "LogSoftmaxDenseNet": lambda: net((6,), ("fc1", nn.Linear(6, 5)), ("log_softmax1", nn.LogSoftmax(dim=1))),
    # Dropout: StaticNet's masks in training, nn.Dropout (the identity) in eval
    "DropoutNet": lambda: net((8,), ("dropout1", StaticNetMaskDropout(0.2)),
                              ("fc1", nn.Linear(8, 9)), ("relu1", nn.ReLU()), ("dropout2", StaticNetMaskDropout(0.5)),
                              ("fc2", nn.Linear(9, 4))),
    "DropoutRateZeroNet": lambda: net((6,), ("fc1", nn.Linear(6, 9)), ("relu1", nn.ReLU()), ("dropout1", nn.Dropout(0.0)),
                                      ("fc2", nn.Linear(9, 4))),
    "EmbeddingNet": lambda: net((6,), ("fc1", nn.Linear(6, 5)), ("tanh1", nn.Tanh()), ("fc2", nn.Linear(5, 4))),
    # Flatten alone: the network's output is its input, so a loss sees exactly the logits a test chooses.
    "IdentityNet": lambda: net((1, 1, 10), ("flatten1", nn.Flatten())),
    # Losses and optimizers on a small network with every trainable layer kind
    "SmallConvNet": lambda: net((1, 10, 10),
                                ("conv1", nn.Conv2d(1, 3, 3, padding=1)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
                                ("conv2", nn.Conv2d(3, 4, 3, bias=False)), ("tanh1", nn.Tanh()), ("pool2", nn.AvgPool2d(3)),
                                ("flatten1", nn.Flatten()), ("fc1", nn.Linear(4, 6)), ("sigmoid1", nn.Sigmoid()),
                                ("fc2", nn.Linear(6, 5))),
    # The negative control: StaticNet's ControlNet has a sigmoid here; the tests expect this case to differ.
    "ControlNet": lambda: net((6,), ("fc1", nn.Linear(6, 9)), ("tanh1", nn.Tanh()), ("fc2", nn.Linear(9, 4))),
    # Whole networks
    "LeNet5": lambda: net((1, 28, 28),
                          ("conv1", nn.Conv2d(1, 6, 5, padding=2)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
                          ("conv2", nn.Conv2d(6, 16, 5)), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(2)),
                          ("flatten1", nn.Flatten()),
                          ("fc1", nn.Linear(16 * 5 * 5, 120)), ("relu3", nn.ReLU()),
                          ("fc2", nn.Linear(120, 84)), ("relu4", nn.ReLU()),
                          ("fc3", nn.Linear(84, 10))),
    "Mlp": lambda: net((784,),
                       ("fc1", nn.Linear(784, 256)), ("relu1", nn.ReLU()),
                       ("fc2", nn.Linear(256, 128)), ("relu2", nn.ReLU()),
                       ("fc3", nn.Linear(128, 10))),
}


# ----------------------------------------------------------------------------------------------
# Optimizers and schedulers that torch 1.13 lacks, by the name the C# cases give. Each is written
# from its paper or documentation in torch tensor operations, never translated from StaticNet.

class Lion(torch.optim.Optimizer):
    """Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms", Algorithm 2 and the
    authors' PyTorch code), which torch.optim does not have. Per step, with decoupled weight decay:

        c = beta1 * m + (1 - beta1) * g;   p = p * (1 - lr * wd) - lr * sign(c);   m = beta2 * m + (1 - beta2) * g
    """

    def __init__(self, params, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0):
        super().__init__(params, dict(lr=lr, betas=tuple(betas), weight_decay=weight_decay))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            lr, (beta1, beta2), weight_decay = group["lr"], group["betas"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                if not self.state[p]:
                    self.state[p]["exp_avg"] = torch.zeros_like(p)
                exp_avg = self.state[p]["exp_avg"]
                update = (exp_avg * beta1 + p.grad * (1 - beta1)).sign()
                p.mul_(1 - lr * weight_decay).add_(update, alpha=-lr)
                exp_avg.mul_(beta2).add_(p.grad, alpha=1 - beta2)


class NAdamDocumented(torch.optim.Optimizer):
    """NAdam as torch.optim.NAdam's documentation states it, and as PyTorch implements it from 2.0
    (with 2.x's decoupled_weight_decay). Per step t, from 1:

        g = grad + wd * p                       (or p = p * (1 - lr * wd) when decoupled)
        mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay)),   mu_{t+1} likewise
        prod_t = mu_1 * ... * mu_t
        m = beta1 * m + (1 - beta1) * g;   v = beta2 * v + (1 - beta2) * g^2
        denom = sqrt(v / (1 - beta2^t)) + eps
        p = p - lr * (1 - mu_t) / (1 - prod_t) * g / denom - lr * mu_{t+1} / (1 - prod_t * mu_{t+1}) * m / denom

    Debian's torch 1.13 NAdam divides the last term by 1 - prod_t * mu_t * mu_{t+1} instead (its
    mu_product_next multiplies mu_t in twice), so it cannot be the reference for this rule; the case
    nadam-vs-torch113 measures the difference.
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, momentum_decay=4e-3, decoupled_weight_decay=False):
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
            weight_decay, psi = group["weight_decay"], group["momentum_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state.update(step=0, mu_product=1.0, exp_avg=torch.zeros_like(p), exp_avg_sq=torch.zeros_like(p))
                state["step"] += 1
                t = state["step"]
                grad = p.grad
                if weight_decay != 0:
                    if group["decoupled_weight_decay"]:
                        p.mul_(1 - lr * weight_decay)
                    else:
                        grad = grad.add(p, alpha=weight_decay)
                mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * psi))
                mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
                state["mu_product"] *= mu
                exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
                exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
                exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                denom = exp_avg_sq.div(1 - beta2 ** t).sqrt().add_(eps)
                p.addcdiv_(grad, denom, value=-lr * (1.0 - mu) / (1.0 - state["mu_product"]))
                p.addcdiv_(exp_avg, denom, value=-lr * mu_next / (1.0 - state["mu_product"] * mu_next))


class LinearWarmupThenReduceLROnPlateau:
    """StaticNet's LinearWarmup(length, ReduceLROnPlateau(...)) from torch's own schedulers (SequentialLR
    cannot hold ReduceLROnPlateau, whose step needs the metric): LinearLR(start_factor,
    total_iters=warmup) for the first `warmup` epochs, then ReduceLROnPlateau, fed only the metrics
    of the epochs after the warm-up."""

    def __init__(self, optimizer, warmup, start_factor, **plateau_args):
        self.warmup = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=start_factor, total_iters=warmup)
        self.plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, **plateau_args)
        self.length, self.epochs = warmup, 0

    def step(self, metric):
        self.epochs += 1
        if self.epochs <= self.length:
            self.warmup.step()
        else:
            self.plateau.step(metric)


class TripletMarginLossInterleaved(nn.Module):
    """nn.TripletMarginLoss on StaticNet's layout: one batch of whole triplets, samples 3k, 3k + 1 and
    3k + 2 the anchor, the positive and the negative of triplet k, with class labels that must make each
    triplet valid (StaticNet checks them too)."""

    def __init__(self, **args):
        super().__init__()
        self.loss = nn.TripletMarginLoss(**args)

    def forward(self, output, labels):
        anchor, positive, negative = labels[0::3], labels[1::3], labels[2::3]
        if not (torch.equal(anchor, positive) and bool((anchor != negative).all())):
            raise ValueError(f"the labels {labels.tolist()} do not make valid (anchor, positive, negative) triplets")
        return self.loss(output[0::3], output[1::3], output[2::3])


OPTIMIZERS = {"Lion": Lion, "NAdamDocumented": NAdamDocumented}
LOSSES = {"TripletMarginLossInterleaved": TripletMarginLossInterleaved}
SCHEDULERS = {"LinearWarmupThenReduceLROnPlateau": LinearWarmupThenReduceLROnPlateau}


def make_optimizer(spec, parameters):
    kind = OPTIMIZERS.get(spec["name"]) or getattr(torch.optim, spec["name"])
    return kind(parameters, **spec.get("args", {}))


def make_scheduler(spec, optimizer):
    args = dict(spec.get("args", {}))
    if "schedulers" in args:  # SequentialLR, ChainedScheduler: their schedulers, on the same optimizer
        args["schedulers"] = [make_scheduler(inner, optimizer) for inner in args["schedulers"]]
    kind = SCHEDULERS.get(spec["name"]) or getattr(torch.optim.lr_scheduler, spec["name"])
    return kind(optimizer, **args)


def momentum_of(group):
    """The momentum OneCycleLR cycles: SGD's and RMSprop's momentum, or beta1."""
    return group["momentum"] if "momentum" in group else group["betas"][0]


# ----------------------------------------------------------------------------------------------
# One case.

def deterministic_initialization(network):
    """The state_dict entries that a freshly built network has whatever torch's random seed: those its
    default initialisation sets without drawing (batch norm's weight 1, bias 0, running estimates 0 and 1)."""
    with torch.random.fork_rng():
        torch.manual_seed(1)
        first = NETWORKS[network]()[1].state_dict()
        torch.manual_seed(2)
        second = NETWORKS[network]()[1].state_dict()
    return {name: value for name, value in first.items() if torch.equal(value, second[name])}


def run_case(tensors, spec):
    input_shape, model = NETWORKS[spec["network"]]()
    initial = deterministic_initialization(spec["network"])
    # The files carry float32; state_dict buffers of other dtypes (num_batches_tracked, int64) take theirs.
    dtypes = {name: value.dtype for name, value in model.state_dict().items()}
    parameters = {name[len("param/"):]: value for name, value in tensors.items() if name.startswith("param/")}
    parameters = {name: value.to(dtypes.get(name, value.dtype)) for name, value in parameters.items()}
    model.load_state_dict(parameters, strict=True)
    masks = {name: module for name, module in model.named_modules() if isinstance(module, StaticNetMaskDropout)}

    loss_spec = spec["loss"]
    loss_args = {name: torch.tensor(value, dtype=torch.float32) if isinstance(value, list) else value
                 for name, value in loss_spec.get("args", {}).items()}
    loss_function = (LOSSES.get(loss_spec["name"]) or getattr(nn, loss_spec["name"]))(**loss_args)
    optimizer, scheduler, metrics, trainable, record_momentum = None, None, None, None, False
    if spec.get("optimizer"):
        optimizer_spec = spec["optimizer"]
        trainable = optimizer_spec.get("trainable")
        record_momentum = optimizer_spec.get("record_momentum", False)
        if trainable:
            joined = set(trainable[0])
            optimizer = make_optimizer(optimizer_spec, [p for name, p in model.named_parameters() if name in joined])
        else:
            optimizer = make_optimizer(optimizer_spec, model.parameters())
        if optimizer_spec.get("scheduler"):
            scheduler_spec = optimizer_spec["scheduler"]
            scheduler = make_scheduler(scheduler_spec, optimizer)
            metrics = scheduler_spec.get("metrics")

    results, losses, lrs, momenta = {}, [], [], []
    for step in range(spec["steps"]):
        k = step % spec["batches"]
        flat = tensors[f"input/{k}"]
        x = flat.reshape(flat.shape[0], *input_shape).clone().requires_grad_(True)
        if f"labels/{k}" in tensors:
            target = tensors[f"labels/{k}"].to(torch.int64)
        else:
            target = tensors[f"targets/{k}"].reshape(flat.shape[0], -1)

        if spec.get("step_by_step"):
            for name, value in model.state_dict().items():
                results[f"step/{step}/param/{name}"] = value.clone()
        for name, module in masks.items():
            module.mask = tensors.get(f"mask/{name}/{step}")
        model.zero_grad(set_to_none=False)
        output = model(x)
        loss = loss_function(output, target)
        loss.backward()
        if step == 0:
            results["output"] = output
            results["input_grad"] = x.grad
            for name, parameter in model.named_parameters():
                results["grad/" + name] = parameter.grad.clone()
        if spec.get("step_by_step"):
            for name, parameter in model.named_parameters():
                results[f"step/{step}/grad/{name}"] = parameter.grad.clone()
        losses.append(loss.item())
        if optimizer is not None:
            if trainable:
                # Parameters trainable from this step join the optimizer; the others sit this step out.
                now = set(trainable[step])
                joining = [p for name, p in model.named_parameters() if name in now and name not in joined]
                if joining:
                    optimizer.add_param_group({"params": joining})
                    joined |= now
                for name, parameter in model.named_parameters():
                    if name not in now:
                        parameter.grad = None
            lrs.append(optimizer.param_groups[0]["lr"])
            if record_momentum:
                momenta.append(momentum_of(optimizer.param_groups[0]))
            optimizer.step()
        if scheduler is not None:
            if metrics is not None:
                scheduler.step(metrics[step])
            else:
                scheduler.step()

    results["loss"] = torch.tensor(losses, dtype=torch.float32)
    if optimizer is not None:
        results["lr"] = torch.tensor(lrs, dtype=torch.float32)
    if record_momentum:
        results["momentum"] = torch.tensor(momenta, dtype=torch.float32)
    model.eval()  # inference mode: what StaticNet's Predict computes
    with torch.no_grad():
        flat = tensors["input/0"]
        results["predict"] = model(flat.reshape(flat.shape[0], *input_shape))
    for name, value in model.state_dict().items():
        results["param/" + name] = value.to(torch.float32)  # num_batches_tracked: int64 -> float32
    for name, value in initial.items():
        results["initial/" + name] = value.to(torch.float32)
    return results


if __name__ == "__main__":
    # SequentialLR starts each next scheduler with step(0), which torch 1.13 itself warns about.
    warnings.filterwarnings("ignore", message="The epoch parameter in `scheduler.step")
    run_cases(__doc__, run_case)
