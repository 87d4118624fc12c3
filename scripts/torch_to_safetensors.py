#!/usr/bin/env python3
"""Writes a PyTorch model's weights as a safetensors file that StaticNet loads.

Needs only the standard library and torch (Debian: sudo apt-get install python3-torch); the
safetensors package is not needed. Copy this file wherever it is useful.

    python3 torch_to_safetensors.py model.pt model.safetensors
    python3 torch_to_safetensors.py model.pt model.safetensors --rename features.0.=conv1. --rename classifier.=fc3.

model.pt is what torch.save wrote: a state_dict, a dict holding one under "state_dict" or
"model_state_dict", or a whole nn.Module. Each --rename OLD=NEW renames a tensor: a name equal to
OLD becomes NEW, and when OLD ends with "." every name starting with OLD has that prefix replaced by
NEW. The longest OLD that applies wins; names no --rename applies to are kept. StaticNet's
Load(path, rename) does the same renaming on the C# side instead.

From Python, write_safetensors(path, tensors) writes any dict of tensors, and read_safetensors(path)
reads such a file back. Files carry the SHA-256 of their data section in their metadata under
"staticnet.sha256", which StaticNet checks when it loads them.
"""

import argparse
import hashlib
import json
import os
import struct
import sys

import torch

CHECKSUM_KEY = "staticnet.sha256"


def write_safetensors(path, tensors, metadata=None):
    """Writes name -> tensor as float32 safetensors, atomically: a crash leaves any previous file intact."""
    header, blobs, offset = {}, [], 0
    for name, tensor in tensors.items():
        raw = tensor.detach().to(torch.float32).contiguous().cpu().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    digest = hashlib.sha256()
    for blob in blobs:
        digest.update(blob)
    header["__metadata__"] = dict(metadata or {}, format="pt", **{CHECKSUM_KEY: digest.hexdigest()})
    encoded = json.dumps(header).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)
    temporary = path + ".tmp"
    with open(temporary, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for blob in blobs:
            f.write(blob)
    os.replace(temporary, path)


def read_safetensors(path):
    """Reads a float32 safetensors file: (name -> tensor, metadata)."""
    with open(path, "rb") as f:
        data = f.read()
    (header_length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + header_length])
    metadata = header.pop("__metadata__", {})
    start = 8 + header_length
    tensors = {}
    for name, entry in header.items():
        if entry["dtype"] != "F32":
            raise ValueError(f"{path}: tensor {name} has dtype {entry['dtype']}; expected F32")
        begin, end = entry["data_offsets"]
        values = torch.frombuffer(bytearray(data[start + begin:start + end]), dtype=torch.float32)
        tensors[name] = values.reshape(entry["shape"])
    return tensors, metadata


def state_dict_of(loaded):
    """The tensors of what torch.load returned."""
    if isinstance(loaded, torch.nn.Module):
        return loaded.state_dict()
    if isinstance(loaded, dict):
        for key in ("state_dict", "model_state_dict"):
            if isinstance(loaded.get(key), dict):
                return loaded[key]
        tensors = {name: value for name, value in loaded.items() if isinstance(value, torch.Tensor)}
        if tensors:
            return tensors
    raise ValueError(f"expected a state_dict, a dict holding one, or an nn.Module; found {type(loaded).__name__}")


def renamed(name, renames):
    """name after the longest --rename that applies to it (see the module's help)."""
    best = None
    for old, new in renames:
        applies = name == old or (old.endswith(".") and name.startswith(old))
        if applies and (best is None or len(old) > len(best[0])):
            best = (old, new)
    return name if best is None else best[1] + name[len(best[0]):]


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", help="a file torch.save wrote")
    parser.add_argument("destination", help="the safetensors file to write")
    parser.add_argument("--rename", action="append", default=[], metavar="OLD=NEW", help="rename a tensor, or every tensor under a prefix ending in '.'")
    arguments = parser.parse_args(argv)

    renames = []
    for pair in arguments.rename:
        old, separator, new = pair.partition("=")
        if not separator or not old:
            parser.error(f"--rename {pair}: expected OLD=NEW")
        renames.append((old, new))

    tensors = {}
    for name, tensor in state_dict_of(torch.load(arguments.source, map_location="cpu")).items():
        target = renamed(name, renames)
        if target in tensors:
            parser.error(f"two tensors would both be named {target}; the second is {name}")
        tensors[target] = tensor
    write_safetensors(arguments.destination, tensors)
    for name, tensor in tensors.items():
        print(f"{name} {list(tensor.shape)}")


if __name__ == "__main__":
    main(sys.argv[1:])
