"""A LeNet-5 as PyTorch users write it, with nn.Sequential's numbered names (features.0.weight, ...).

    sequential_lenet.py OUT_DIR

Writes OUT_DIR/lenet.pt (torch.save of the state_dict, PyTorch's zip format) and OUT_DIR/io.safetensors:
100 inputs and the model's outputs for them, for StaticNet to compare its predictions with.
"""

import os
import sys

import torch
from torch import nn

from torch_to_safetensors import write_safetensors


class SequentialLeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(
            nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


def main(out_dir):
    torch.manual_seed(7)
    model = SequentialLeNet().eval()
    torch.save(model.state_dict(), os.path.join(out_dir, "lenet.pt"))
    inputs = torch.randn(100, 1, 28, 28)
    with torch.no_grad():
        outputs = model(inputs)
    write_safetensors(os.path.join(out_dir, "io.safetensors"), {"inputs": inputs, "outputs": outputs})


if __name__ == "__main__":
    main(sys.argv[1])
