"""What every parity script shares: run each case file of a folder through a function and write its results.

    from case_runner import run_cases
    run_cases(__doc__, run_case)   # in the script's __main__ block

The command line is SCRIPT CASE_DIR RESULT_DIR. Each CASE_DIR/NAME.safetensors is read (its "case" metadata
entry parsed as JSON) and passed to run_case(tensors, spec); the dictionary of tensors it returns is written to
RESULT_DIR/NAME.safetensors, or, when it raises, the traceback to RESULT_DIR/NAME.error.txt, so that one
failing case never hides the others' results.
"""

import json
import os
import sys
import time
import traceback

from torch_to_safetensors import read_safetensors, write_safetensors


def run_cases(usage, run_case):
    if len(sys.argv) != 3:
        print(usage, file=sys.stderr)
        sys.exit(2)
    if sys.byteorder != "little":
        sys.exit("safetensors data is little-endian; this reader assumes a little-endian machine")

    import torch
    torch.set_num_threads(1)  # deterministic, and polite on a shared machine; the cases are small
    case_dir, result_dir = sys.argv[1], sys.argv[2]
    os.makedirs(result_dir, exist_ok=True)
    names = sorted(f[:-len(".safetensors")] for f in os.listdir(case_dir) if f.endswith(".safetensors"))
    for name in names:
        started = time.perf_counter()
        try:
            tensors, metadata = read_safetensors(os.path.join(case_dir, name + ".safetensors"))
            results = run_case(tensors, json.loads(metadata["case"]))
            write_safetensors(os.path.join(result_dir, name + ".safetensors"), results)
            print(f"{name}: {time.perf_counter() - started:.3f} s")
        except Exception:
            with open(os.path.join(result_dir, name + ".error.txt"), "w") as f:
                f.write(traceback.format_exc())
            print(f"{name}: FAILED", file=sys.stderr)
