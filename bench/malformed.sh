#!/usr/bin/env bash
# Peak memory of `upflow parse` on malformed 200 MB exports (the figures in bench/README.md,
# "Malformed files"):
#
#     bench/malformed.sh                    # the release build of this tree
#     BEFORE=/path/to/old/upflow bench/malformed.sh   # and an older binary, for comparison
#
# Writes three files to bench/data/ (ignored by git) when missing:
#   malformed-quote.csv  an unterminated quote in row 6, then ~200 MB of 2 kB rows without quotes
#   big-value.json       a JSON array whose 6th element holds a 200 MB string
#   long-line.jsonl      JSON Lines whose 6th line is 200 MB long
# Each has 5 good rows before the bad one and 5 (CSV: ~100,000) good rows after it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export UPFLOW_CACHE="${UPFLOW_CACHE:-$HOME/.cache/upflow}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$UPFLOW_CACHE/target}"
mkdir -p bench/data

python3 - <<'PY'
import os
MB = 1024 * 1024
SIZE = 200 * MB
url = "https://www.upwork.com/jobs/Title_~02{:019d}/"

def good_json(i):
    return '{"id":"%d","title":"Job %d","url":"%s"}' % (i, i, url.format(i))

path = "bench/data/malformed-quote.csv"
if not os.path.exists(path):
    with open(path, "w") as f:
        f.write("id,title,url,description\n")
        for i in range(1, 6):
            f.write(f"{i},Job {i},{url.format(i)},fine\n")
        f.write(f'6,"Broken title,{url.format(6)},the quote above never closes\n')
        # Rows of a real export's size (~2 kB), so the in-file de-duplication set stays small
        # and the figure is the parser's.
        text = ("plain description text without any quote or comma; " * 40).strip()
        i, written = 7, 0
        rows = []
        while written < SIZE:
            row = f"{i},Job {i},{url.format(i)},{text}\n"
            rows.append(row)
            written += len(row)
            i += 1
            if len(rows) == 10000:
                f.write("".join(rows))
                rows = []
        f.write("".join(rows))

path = "bench/data/big-value.json"
if not os.path.exists(path):
    with open(path, "w") as f:
        f.write("[\n" + ",\n".join(good_json(i) for i in range(1, 6)) + ",\n")
        f.write('{"id":"6","title":"Job 6","url":"%s","description":"' % url.format(6))
        for _ in range(200):
            f.write("x" * MB)
        f.write('"},\n' + ",\n".join(good_json(i) for i in range(7, 12)) + "\n]\n")

path = "bench/data/long-line.jsonl"
if not os.path.exists(path):
    with open(path, "w") as f:
        f.write("".join(good_json(i) + "\n" for i in range(1, 6)))
        f.write('{"id":"6","title":"Job 6","url":"%s","description":"' % url.format(6))
        for _ in range(200):
            f.write("y" * MB)
        f.write('"}\n' + "".join(good_json(i) + "\n" for i in range(7, 12)))
PY

cargo build --release --quiet -p upflow-cli
bins=("$CARGO_TARGET_DIR/release/upflow")
[[ -n "${BEFORE:-}" ]] && bins+=("$BEFORE")

for bin in "${bins[@]}"; do
  for file in malformed-quote.csv big-value.json long-line.jsonl; do
    log=$(mktemp)
    /usr/bin/time -v "$bin" parse --no-raw "bench/data/$file" >/dev/null 2>"$log" || true
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.1f MiB", $2 / 1024}' "$log")
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log")
    summary=$(grep -E '^parsed ' "$log" || echo "(no summary)")
    rejected=$(grep -E '^row [0-9]+:' "$log" | cut -c1-90 | tr '\n' ' ' || true)
    echo "$bin  $file  peak RSS $rss  wall $wall  $summary  $rejected"
    rm -f "$log"
  done
done
