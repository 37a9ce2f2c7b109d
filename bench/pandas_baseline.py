#!/usr/bin/env python3
"""Baseline for the ingest benchmark: what a Python user would write with pandas.

    python3 bench/gen_export.py --rows 100000 --out bench/data/export-100k.csv
    "$UPFLOW_CACHE/venv/bin/python" bench/pandas_baseline.py bench/data/export-100k.csv

pandas is not a project dependency. Install it into the venv that
scripts/services.sh creates for moto (UPFLOW_CACHE defaults to ~/.cache/upflow):

    "${UPFLOW_CACHE:-$HOME/.cache/upflow}/venv/bin/pip" install pandas

Same job as upflow's ingest: read the Apify CSV, normalise the budget column
("$5,000.00" -> fixed_budget; "30 - 50" -> hourly_min/hourly_max; "N/A" ->
nulls), parse absoluteDate, turn "true"/"false" into booleans, gather
tags/0..tags/N into one list column, then write every row as a JSON line
(to /dev/null by default, so the disk is not measured). Prints per-phase and
total seconds, MB/s (MB = 10^6 bytes of input CSV), rows/s, peak RSS and
the process's CPU time.
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import pandas as pd

BOOL_COLUMNS = ["hasHired", "paymentVerified"]


def main() -> None:
    ap = argparse.ArgumentParser(description="pandas baseline for the CSV ingest benchmark")
    ap.add_argument("csv", nargs="?", default="bench/data/export-100k.csv")
    ap.add_argument("--out", default=os.devnull, help="JSON lines output (default: /dev/null)")
    args = ap.parse_args()

    size = os.path.getsize(args.csv)
    t0 = time.perf_counter()
    cpu0 = time.process_time()

    # 1. Read. Ids are 19-digit strings, not numbers; the BOM is dropped by
    #    the utf-8-sig codec.
    df = pd.read_csv(
        args.csv,
        encoding="utf-8-sig",
        dtype={"id": str, "subId": str, "budget": str, "hasHired": str, "paymentVerified": str},
    )
    t_read = time.perf_counter()

    # 2. Normalise.
    # Budget: "$1,234.50" is a fixed price; "lo - hi" (with or without $) is
    # an hourly range; anything else ("N/A", empty) gives nulls.
    budget = df["budget"].fillna("").str.strip()
    rng = budget.str.extract(r"^\$?([\d,]+(?:\.\d+)?)\s*-\s*\$?([\d,]+(?:\.\d+)?)$")
    fixed = budget.str.extract(r"^\$([\d,]+(?:\.\d+)?)$")[0]
    df["fixed_budget"] = pd.to_numeric(fixed.str.replace(",", "", regex=False))
    df["hourly_min"] = pd.to_numeric(rng[0].str.replace(",", "", regex=False))
    df["hourly_max"] = pd.to_numeric(rng[1].str.replace(",", "", regex=False))

    # Dates: ISO 8601 with milliseconds and Z.
    df["absoluteDate"] = pd.to_datetime(df["absoluteDate"], utc=True, format="ISO8601")

    # Booleans: "true"/"false" -> True/False, empty -> null.
    for col in BOOL_COLUMNS:
        df[col] = df[col].str.lower().map({"true": True, "false": False})

    # Tags: tags/0..tags/N -> one list per row, without the empty cells.
    tag_cols = sorted(
        (c for c in df.columns if c.startswith("tags/")), key=lambda c: int(c.split("/")[1])
    )
    df["tags"] = [[t for t in row if isinstance(t, str)] for row in df[tag_cols].to_numpy().tolist()]
    df = df.drop(columns=tag_cols + ["budget"])
    t_norm = time.perf_counter()

    # 3. Write JSON lines.
    df.to_json(args.out, orient="records", lines=True, date_format="iso", force_ascii=False)
    t_end = time.perf_counter()

    rows = len(df)
    total = t_end - t0
    cpu = time.process_time() - cpu0  # user+sys: less sensitive to a busy machine
    # ru_maxrss is in KiB on Linux.
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"pandas {pd.__version__}: {args.csv} ({size / 1e6:.1f} MB, {rows} rows)")
    print(
        f"  read_csv {t_read - t0:.2f} s, normalise {t_norm - t_read:.2f} s, "
        f"to_json {t_end - t_norm:.2f} s"
    )
    print(
        f"  total {total:.2f} s: {size / 1e6 / total:.1f} MB/s, {rows / total:,.0f} rows/s, "
        f"peak RSS {peak_mib:.0f} MiB (CPU time {cpu:.2f} s)"
    )


if __name__ == "__main__":
    main()
