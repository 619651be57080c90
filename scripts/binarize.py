#!/usr/bin/env python3
"""Binarize an MNIST CSV the way the original project did.

Every pixel >= 127 becomes 255, every other pixel 0; the header row and the labels
are kept. `<name>.csv` is written to `<name>_new.csv`, as the original script did.
The rule itself is libnn's (nn::binarize): this script checks the file, then runs
`mnist-to-csv --binarize` on it, as the trainer's `--binarize` switch applies the same
function while loading.

Fields are what the trainer's CSV reader accepts: plain ASCII digits, optionally with
spaces around them; labels 0..9, pixels 0..255. (Python's int() alone would also take
"2_55", "+7" and non-ASCII digits such as "٣".) Any problem stops with file:line and
exit status 1, and no output file is left behind.

Usage: binarize.py <dataset.csv>
Env: TRAINER_BIN_DIR  folder with the mnist-to-csv binary (default: build/release/trainer)
"""
import os
import re
import subprocess
import sys

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


def check_row(line: str, path: str, line_no: int, columns: int) -> None:
    where = f"{path}:{line_no}"
    fields = line.rstrip("\r\n").split(",")
    if len(fields) != columns:
        die(f"{where}: expected {columns} columns, got {len(fields)}")
    number(fields[0], "label", where, NUM_CLASSES - 1)
    for c, x in enumerate(fields[1:], start=2):
        number(x, f"column {c}: pixel", where, 255)


def text_lines(src, path: str):
    """(line number, text) for each line of a binary file; non-UTF-8 bytes stop with file:line."""
    for line_no, raw in enumerate(src, start=1):
        try:
            yield line_no, raw.decode("utf-8")
        except UnicodeDecodeError as e:
            die(f"{path}:{line_no}: not UTF-8 text: byte 0x{raw[e.start]:02x} at column {e.start + 1}")


def check_file(path: str) -> tuple:
    """The header row (without its line end) and the number of data rows; stops at the first problem."""
    with open(path, "rb") as src:
        lines = text_lines(src, path)
        _, header = next(lines, (1, ""))
        if not header:
            die(f"{path}: file is empty (expected a header row)")
        columns = header.count(",") + 1
        rows = 0
        for line_no, line in lines:
            if line.strip():
                check_row(line, path, line_no, columns)
                rows += 1
    return header.rstrip("\r\n"), rows


def to_csv_binary() -> str:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    bin_dir = os.environ.get("TRAINER_BIN_DIR") or os.path.join(root, "build", "release", "trainer")
    to_csv = os.path.join(bin_dir, "mnist-to-csv")
    if not os.access(to_csv, os.X_OK):
        die(f"{to_csv} not found or not executable; build it with 'cmake --preset release && "
            "cmake --build --preset release', or set TRAINER_BIN_DIR to the folder that holds it")
    return to_csv


def binarize_rows(path: str, rows_path: str) -> None:
    """libnn's rule: mnist-to-csv --binarize writes the rows (under a header of its own)."""
    done = subprocess.run([to_csv_binary(), "--binarize", path, rows_path],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        die(done.stderr.strip().removeprefix("mnist-to-csv: error: "))


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(f"Usage: {sys.argv[0]} <dataset path>")
    path = sys.argv[1]
    if not path.endswith(".csv"):
        sys.exit(f"binarize: error: {path}: expected a .csv file")
    new_path = path[:-4] + "_new.csv"
    tmp_path = new_path + ".tmp"
    rows_path = new_path + ".rows.tmp"
    try:
        header, rows = check_file(path)
        with open(tmp_path, "w", encoding="utf-8", newline="\n") as dst:
            dst.write(header + "\n")  # the file's own header, kept as it is
            if rows:
                binarize_rows(path, rows_path)
                with open(rows_path, "r", encoding="utf-8", newline="\n") as binarized:
                    next(binarized)  # mnist-to-csv's header
                    for line in binarized:
                        dst.write(line)
        os.replace(tmp_path, new_path)
    except OSError as e:
        die(str(e))
    finally:
        for leftover in (tmp_path, rows_path):
            if os.path.exists(leftover):
                os.remove(leftover)
    print(f"wrote {new_path}")


if __name__ == "__main__":
    main()
