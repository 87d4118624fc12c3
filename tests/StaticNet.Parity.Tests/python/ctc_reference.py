"""PyTorch reference for StaticNet's CTC loss parity tests.

    /usr/bin/python3 ctc_reference.py CASE_DIR RESULT_DIR

Runs every case file CASE_DIR/NAME.safetensors that CtcParityTests.cs wrote and writes
RESULT_DIR/NAME.safetensors (or RESULT_DIR/NAME.error.txt with the traceback). A case file holds:

    outputs          [N, T * C] each sample's scores in StaticNet's layout: step-major x[t * C + c]
                     or class-major x[c * T + t], logits or per-step log-probabilities
    targets          [N, S] padded label sequences (as float32)
    target_lengths   [N]
    input_lengths    [N]
    __metadata__["case"]  JSON: {"steps", "classes", "layout": "step-major" | "class-major", "blank",
                                 "reduction": "mean" | "sum" | "none", "zero_infinity", "log_probs"}

It computes torch.nn.functional.ctc_loss (CPU, float32) on (T, N, C) log-probabilities, after
log_softmax over the classes when the outputs are logits, and writes:

    loss   [1] the reduced loss, or [N] the samples' losses for reduction "none"
    grad   [N, T * C] the gradient of the loss (for "none", of the sum of the samples' losses) with
           respect to the outputs, in StaticNet's layout

With log-probabilities as outputs, `grad` is the exact derivative with respect to them: PyTorch's
CPU kernel (ctc_loss_backward_cpu_template in aten/src/ATen/native/LossCTC.cpp) returns
`exp(log_probs) - occupancy` as the gradient of log_probs, which is the gradient of the logits
behind a log_softmax, not of log_probs themselves (torch.autograd.gradcheck on ctc_loss fails for
that reason); so here the reduction's scale times exp(log_probs) is added back on every valid step
of every sample whose loss is finite, leaving `-scale * occupancy`. torch_grad holds PyTorch's own.
"""

import sys

try:
    import torch
except ImportError:
    print(f"PyTorch is not installed for {sys.executable}: apt-get install python3-torch", file=sys.stderr)
    sys.exit(3)

from case_runner import run_cases


def run_case(tensors, spec):
    steps, classes, blank = spec["steps"], spec["classes"], spec["blank"]
    flat = tensors["outputs"].clone().requires_grad_(True)
    batch = flat.shape[0]
    if spec["layout"] == "step-major":
        scores = flat.reshape(batch, steps, classes)
    else:
        scores = flat.reshape(batch, classes, steps).transpose(1, 2)
    log_probs = scores if spec["log_probs"] else scores.log_softmax(2)
    log_probs.retain_grad()
    targets = tensors["targets"].to(torch.int64)
    target_lengths = tensors["target_lengths"].to(torch.int64)
    input_lengths = tensors["input_lengths"].to(torch.int64)
    loss = torch.nn.functional.ctc_loss(
        log_probs.transpose(0, 1), targets, input_lengths, target_lengths,
        blank=blank, reduction=spec["reduction"], zero_infinity=spec["zero_infinity"])
    (loss.sum() if spec["reduction"] == "none" else loss).backward()

    results = {"loss": loss.detach().reshape(-1), "torch_grad": flat.grad.clone()}
    grad = flat.grad.clone()
    if spec["log_probs"]:
        # PyTorch's gradient of log_probs is scale * (exp(log_probs) - occupancy); the exact one is -scale * occupancy.
        with torch.no_grad():
            samples = torch.nn.functional.ctc_loss(
                log_probs.transpose(0, 1), targets, input_lengths, target_lengths,
                blank=blank, reduction="none", zero_infinity=False)
            scale = torch.ones(batch)
            if spec["reduction"] == "mean":
                scale = 1.0 / (batch * target_lengths.clamp(min=1).to(torch.float32))
            valid = (torch.arange(steps)[None, :] < input_lengths[:, None]) & torch.isfinite(samples)[:, None]
            correction = log_probs.detach().exp() * (scale[:, None] * valid)[:, :, None]
            if spec["layout"] == "class-major":
                correction = correction.transpose(1, 2)
            grad -= correction.reshape(batch, -1)
    results["grad"] = grad
    return results


if __name__ == "__main__":
    run_cases(__doc__, run_case)
