#!/usr/bin/env python3
"""Large exports of every shape in tests/fixtures/shapes/, for parse throughput per shape.

    python3 bench/gen_shapes.py [--mb 200] [--out bench/data/shapes]

Each fixture is repeated until the output reaches --mb megabytes: a CSV's data rows, a JSON
array's elements, an envelope's groups (with their job lists), JSON Lines' lines. Every copy
gets distinct job ids of the real length (the first seven characters after `~01`/`~02` in
ciphertexts and URLs, also written `%7E01`, become the copy's number), so de-duplication does
not shortcut the work. Deterministic; the output
is ignored by git (bench/data/).
"""

import argparse
import csv
import io
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHAPES = os.path.join(HERE, "..", "tests", "fixtures", "shapes")


# An Upwork id in a URL: `~01`/`~02` (also `%7E`), then the id's first seven characters.
ID_HEAD = re.compile(r"(~0[12]|%7[Ee]0[12])[0-9A-Za-z]{7}")


def renumber(text: str, copy: int) -> str:
    # The copy's number replaces the first seven characters of each id, so ids keep their real
    # length (19 digits, or 18 ciphertext characters): appending it made every id 26 characters,
    # longer than any real one, which changed what de-duplicating them costs. It starts with 1,
    # so a numeric id has no leading zero. The fixtures' ids differ in what follows.
    tag = str(1_000_000 + copy)
    assert len(tag) == 7, "too many copies for a seven-digit tag"
    return ID_HEAD.sub(lambda m: m.group(1) + tag, text)


def grow_csv(src: str, dst: str, target: int) -> int:
    with open(src, newline="", encoding="utf-8-sig") as f:
        text = f.read()
    header, _, body = text.partition("\n")
    # Keep quoted multi-line cells whole: split the body into records with the csv module.
    rows = list(csv.reader(io.StringIO(body)))
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for row in rows:
        writer.writerow(row)
    block = buf.getvalue()
    written, copy = 0, 0
    with open(dst, "w", encoding="utf-8", newline="") as out:
        out.write(header + "\n")
        while written < target:
            chunk = renumber(block, copy)
            out.write(chunk)
            written += len(chunk.encode())
            copy += 1
    return copy * len(rows)


def grow_json(src: str, dst: str, target: int) -> int:
    with open(src, encoding="utf-8") as f:
        data = json.load(f)
    if not isinstance(data, list):
        sys.exit(f"{src}: a top-level array is expected")
    items = [json.dumps(x, ensure_ascii=False) for x in data]
    per_copy = sum(len(i.encode()) + 2 for i in items)
    copies = max(1, target // per_copy + 1)
    records = 0
    with open(dst, "w", encoding="utf-8") as out:
        out.write("[\n")
        first = True
        for copy in range(copies):
            for item in items:
                out.write(("" if first else ",\n") + renumber(item, copy))
                first = False
        out.write("\n]\n")
    for x in data:
        records += len(x["jobs"]) if isinstance(x, dict) and isinstance(x.get("jobs"), list) else 1
    return records * copies


def grow_lines(src: str, dst: str, target: int) -> int:
    with open(src, encoding="utf-8") as f:
        lines = [l for l in f.read().splitlines() if l.strip()]
    block = "\n".join(lines) + "\n"
    copies = max(1, target // len(block.encode()) + 1)
    with open(dst, "w", encoding="utf-8") as out:
        for copy in range(copies):
            out.write(renumber(block, copy))
    return len(lines) * copies


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=int, default=200)
    ap.add_argument("--out", default=os.path.join(HERE, "data", "shapes"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    target = args.mb * 1_000_000
    for name in sorted(os.listdir(SHAPES)):
        src = os.path.join(SHAPES, name)
        stem, ext = os.path.splitext(name)
        ext = ext.lower()
        dst = os.path.join(args.out, f"{stem}-{args.mb}mb{ext}")
        if ext == ".csv":
            records = grow_csv(src, dst, target)
        elif ext == ".json":
            records = grow_json(src, dst, target)
        elif ext in (".jsonl", ".ndjson"):
            records = grow_lines(src, dst, target)
        else:
            continue
        print(f"{dst}: {os.path.getsize(dst) / 1e6:.1f} MB, {records} records")


if __name__ == "__main__":
    main()
