#!/usr/bin/env python3
"""Line and branch coverage per folder of src/ and server/ from `llvm-cov export -summary-only`.

Usage: coverage_by_folder.py COVERAGE_JSON SOURCE_ROOT
A folder is the first level under src/ or server/ (src/engine, src/store, server/dialects);
files directly in server/ count as "server". Tests, build outputs and system headers are left
out. Prints one row per folder and the totals.
"""
import json
import os
import sys


def folder_of(relative):
    parts = relative.split(os.sep)
    if parts[0] not in ("src", "server"):
        return None
    if len(parts) <= 2:
        return parts[0]
    return parts[0] + "/" + parts[1]


def main():
    data = json.load(open(sys.argv[1]))
    root = os.path.realpath(sys.argv[2])
    folders = {}
    for entry in data["data"]:
        for file in entry["files"]:
            path = os.path.realpath(file["filename"])
            if not path.startswith(root + os.sep):
                continue
            folder = folder_of(os.path.relpath(path, root))
            if folder is None:
                continue
            summary = file["summary"]
            row = folders.setdefault(folder, [0, 0, 0, 0])
            row[0] += summary["lines"]["covered"]
            row[1] += summary["lines"]["count"]
            row[2] += summary["branches"]["covered"]
            row[3] += summary["branches"]["count"]

    def pct(covered, count):
        return f"{100.0 * covered / count:6.1f} %" if count else "     - "

    print(f"{'folder':<24} {'lines':>10} {'of':>7} {'branches':>10} {'of':>7}")
    total = [0, 0, 0, 0]
    for folder in sorted(folders):
        row = folders[folder]
        total = [a + b for a, b in zip(total, row)]
        print(f"{folder:<24} {pct(row[0], row[1]):>10} {row[1]:>7} {pct(row[2], row[3]):>10} {row[3]:>7}")
    print(f"{'total':<24} {pct(total[0], total[1]):>10} {total[1]:>7} {pct(total[2], total[3]):>10} {total[3]:>7}")


if __name__ == "__main__":
    main()
