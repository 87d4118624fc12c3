"""Adds staticnet.sha256 (the SHA-256 of the data section) to a safetensors file's __metadata__.

The generator verifies it when it embeds the file, so a damaged copy fails the build. Files that
StaticNet saves carry it already; this is for files written before, or by other tools.
Usage: python3 add_checksum.py lenet5.safetensors
"""
import hashlib
import json
import struct
import sys

path = sys.argv[1]
with open(path, "rb") as f:
    content = f.read()
(length,) = struct.unpack("<Q", content[:8])
header = json.loads(content[8 : 8 + length])
data = content[8 + length :]
header.setdefault("__metadata__", {})["staticnet.sha256"] = hashlib.sha256(data).hexdigest()
text = json.dumps(header, separators=(",", ":")).encode("utf-8")
text += b" " * (-len(text) % 8)  # keep the data 8-byte aligned, as safetensors writers do
with open(path, "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + data)
