#!/usr/bin/env python3
"""Binarize an MNIST CSV the way the original project did.

Every pixel >= 127 becomes 255, every other pixel 0; the header row and the labels
are kept. `<name>.csv` is written to `<name>_new.csv`, as the original script did.
The trainer's `--binarize` switch applies the same rule while loading.

Fields are what the trainer's CSV reader accepts: plain ASCII digits, optionally with
spaces around them; labels 0..9, pixels 0..255. (Python's int() alone would also take
"2_55", "+7" and non-ASCII digits such as "٣".) Any problem stops with file:line and
exit status 1, and no output file is left behind.

Usage: binarize.py <dataset.csv>
"""
import os
import re
import sys

THRESHOLD = 127
NUM_CLASSES = 10
# ASCII digits only: \d would also match other scripts' digits.
NUMBER = re.compile(r"[ \t]*([0-9]+)[ \t]*")


def die(message: str) -> None:
    sys.exit(f"binarize: error: {message}")


def number(field: str, what: str, where: str, limit: int) -> int:
    match = NUMBER.fullmatch(field)
    if not match:
        die(f"{where}: {what}: expected a whole number 0..{limit}, got {field[:40]!r}")
    value = int(match.group(1))
    if value > limit:
        die(f"{where}: {what} {value} is outside 0..{limit}")
    return value


def binarize_row(line: str, path: str, line_no: int, columns: int) -> str:
    where = f"{path}:{line_no}"
    fields = line.rstrip("\r\n").split(",")
    if len(fields) != columns:
        die(f"{where}: expected {columns} columns, got {len(fields)}")
    label = number(fields[0], "label", where, NUM_CLASSES - 1)
    pixels = [number(x, f"column {c}: pixel", where, 255) for c, x in enumerate(fields[1:], start=2)]
    return ",".join([str(label)] + ["255" if p >= THRESHOLD else "0" for p in pixels]) + "\n"


def text_lines(src, path: str):
    """(line number, text) for each line of a binary file; non-UTF-8 bytes stop with file:line."""
    for line_no, raw in enumerate(src, start=1):
        try:
            yield line_no, raw.decode("utf-8")
        except UnicodeDecodeError as e:
            die(f"{path}:{line_no}: not UTF-8 text: byte 0x{raw[e.start]:02x} at column {e.start + 1}")


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(f"Usage: {sys.argv[0]} <dataset path>")
    path = sys.argv[1]
    if not path.endswith(".csv"):
        sys.exit(f"binarize: error: {path}: expected a .csv file")
    new_path = path[:-4] + "_new.csv"
    tmp_path = new_path + ".tmp"
    try:
        with open(path, "rb") as src, open(tmp_path, "w", encoding="utf-8", newline="\n") as dst:
            lines = text_lines(src, path)
            _, header = next(lines, (1, ""))
            if not header:
                die(f"{path}: file is empty (expected a header row)")
            dst.write(header.rstrip("\r\n") + "\n")
            columns = header.count(",") + 1
            for line_no, line in lines:
                if line.strip():
                    dst.write(binarize_row(line, path, line_no, columns))
        os.replace(tmp_path, new_path)
    except OSError as e:
        die(str(e))
    finally:
        if os.path.exists(tmp_path):
            os.remove(tmp_path)
    print(f"wrote {new_path}")


if __name__ == "__main__":
    main()
