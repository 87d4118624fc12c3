"""PyTorch reference for StaticNet's loss reduction parity tests.

    /usr/bin/python3 reduction_reference.py CASE_DIR RESULT_DIR

Runs every case file CASE_DIR/NAME.safetensors that LossReductionParityTests.cs wrote and writes
RESULT_DIR/NAME.safetensors (or RESULT_DIR/NAME.error.txt with the traceback). A case file holds:

    outputs   [N, D] the network's outputs for a batch of N samples
    labels    [N] class indices (as float32), for the class-label losses
    targets   [N, D] target values, for the element-wise losses
    __metadata__["case"]  JSON: {"loss": a torch.nn class name, "args": its keyword arguments (a list
                                 becomes a float32 tensor), "reduction": "mean" | "sum" | "none",
                                 "triplets": true when the batch is (anchor, positive, negative) triplets}

It computes the torch.nn loss (CPU, float32) with that reduction and writes:

    loss   [1] the reduced loss, or for "none" PyTorch's unreduced losses flattened: [N] per sample,
           [N * D] per output value, [N / 3] per triplet
    grad   [N, D] the gradient of the loss (for "none", of the sum of the unreduced losses) with
           respect to the outputs
"""

import sys

try:
    import torch
except ImportError:
    print(f"PyTorch is not installed for {sys.executable}: apt-get install python3-torch", file=sys.stderr)
    sys.exit(3)

from case_runner import run_cases


def run_case(tensors, spec):
    args = {name: torch.tensor(value, dtype=torch.float32) if isinstance(value, list) else value
            for name, value in spec.get("args", {}).items()}
    loss_function = getattr(torch.nn, spec["loss"])(reduction=spec["reduction"], **args)
    outputs = tensors["outputs"].clone().requires_grad_(True)
    if spec.get("triplets"):
        loss = loss_function(outputs[0::3], outputs[1::3], outputs[2::3])
    elif "labels" in tensors:
        loss = loss_function(outputs, tensors["labels"].to(torch.int64))
    else:
        loss = loss_function(outputs, tensors["targets"])
    (loss.sum() if spec["reduction"] == "none" else loss).backward()
    return {"loss": loss.detach().reshape(-1).clone(), "grad": outputs.grad.clone()}


if __name__ == "__main__":
    run_cases(__doc__, run_case)
