#!/usr/bin/env python3
"""Compares two safetensors files (two runs' adapter_model.safetensors) without numpy or torch.

Prints one line: tensors=N max_rel=R max_abs=A, where R is the largest per-tensor relative error
||actual - expected|| / ||expected|| (what the SDK tests' AdapterWeights.AssertClose bounds) and A the largest
absolute element difference. Float32 tensors are compared by value, any other dtype byte for byte.
Exit code 0 when the names match, the other dtypes are equal and R <= TOLERANCE; 1 otherwise.
Usage: adapter_diff.py EXPECTED ACTUAL [TOLERANCE (default 1e-5)]
"""
import json
import math
import struct
import sys
from array import array


def read(path):
    """{name: (dtype, raw bytes)} of a safetensors file: an 8-byte little-endian header size, a JSON header, the data."""
    with open(path, "rb") as f:
        (size,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(size))
        data = f.read()
    return {name: (entry["dtype"], data[entry["data_offsets"][0]:entry["data_offsets"][1]])
            for name, entry in header.items() if name != "__metadata__"}


def floats(raw):
    values = array("f")
    values.frombytes(raw)
    if sys.byteorder != "little":
        values.byteswap()
    return values


def main():
    expected, actual = read(sys.argv[1]), read(sys.argv[2])
    tolerance = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-5
    problems = []
    if expected.keys() != actual.keys():
        problems.append(f"tensor names differ: only expected {sorted(expected.keys() - actual.keys())}, only actual {sorted(actual.keys() - expected.keys())}")
    max_rel = max_abs = 0.0
    for name in sorted(expected.keys() & actual.keys()):
        (dtype, e), (dtype_actual, a) = expected[name], actual[name]
        if dtype != dtype_actual or len(e) != len(a):
            problems.append(f"{name}: {dtype} of {len(e)} bytes against {dtype_actual} of {len(a)} bytes")
        elif dtype != "F32":
            if e != a:
                problems.append(f"{name}: {dtype} bytes differ")
        else:
            ev, av = floats(e), floats(a)
            diff = sum((x - y) ** 2 for x, y in zip(av, ev))
            norm = sum(y * y for y in ev)
            rel = math.sqrt(diff) / max(math.sqrt(norm), 1e-30)
            max_rel = max(max_rel, rel)
            max_abs = max(max_abs, max((abs(x - y) for x, y in zip(av, ev)), default=0.0))
            if not rel <= tolerance:   # also catches NaN
                problems.append(f"{name}: relative error {rel:.2e} > {tolerance:.0e}")
    print(f"tensors={len(expected)} max_rel={max_rel:.3e} max_abs={max_abs:.3e}")
    for problem in problems:
        print("  " + problem)
    return 1 if problems or not expected else 0


if __name__ == "__main__":
    sys.exit(main())
