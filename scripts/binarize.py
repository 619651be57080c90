#!/usr/bin/env python3
"""Binarize an MNIST CSV the way the original project did.

Every pixel >= 127 becomes 255, every other pixel 0; the header row and the labels
are kept. `<name>.csv` is written to `<name>_new.csv`, as the original script did.
The trainer's `--binarize` switch applies the same rule while loading.

Usage: binarize.py <dataset.csv>
"""
import os
import sys

THRESHOLD = 127


def binarize_row(line: str, path: str, line_no: int, columns: int) -> str:
    fields = line.rstrip("\r\n").split(",")
    if len(fields) != columns:
        sys.exit(f"binarize: error: {path}:{line_no}: expected {columns} columns, got {len(fields)}")
    try:
        label = int(fields[0])
        pixels = [int(x) for x in fields[1:]]
    except ValueError as e:
        sys.exit(f"binarize: error: {path}:{line_no}: {e}")
    bad = next((p for p in pixels if not 0 <= p <= 255), None)
    if bad is not None:
        sys.exit(f"binarize: error: {path}:{line_no}: pixel {bad} is outside 0..255")
    return ",".join([str(label)] + ["255" if p >= THRESHOLD else "0" for p in pixels]) + "\n"


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(f"Usage: {sys.argv[0]} <dataset path>")
    path = sys.argv[1]
    if not path.endswith(".csv"):
        sys.exit(f"binarize: error: {path}: expected a .csv file")
    new_path = path[:-4] + "_new.csv"
    tmp_path = new_path + ".tmp"
    try:
        with open(path) as src, open(tmp_path, "w") as dst:
            header = src.readline()
            if not header:
                sys.exit(f"binarize: error: {path}: file is empty (expected a header row)")
            dst.write(header)
            columns = header.count(",") + 1
            for line_no, line in enumerate(src, start=2):
                if line.strip():
                    dst.write(binarize_row(line, path, line_no, columns))
        os.replace(tmp_path, new_path)
    except OSError as e:
        sys.exit(f"binarize: error: {e}")
    finally:
        if os.path.exists(tmp_path):
            os.remove(tmp_path)
    print(f"wrote {new_path}")


if __name__ == "__main__":
    main()
