#!/usr/bin/env bash
# upflow's "run it" command: the pipeline on a fresh machine, no AWS account needed.
#
#     scripts/run.sh [EXPORT_FILE]      # default: the sample export in samples/
#
# Starts (or reuses) local Postgres and the local S3/SQS server, creates the database, bucket
# and queue, uploads the export, and runs the splitter handler on the upload's S3 event, the
# way Lambda would. It prints what was read, stored, rejected (with reasons) and queued.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export UPFLOW_CACHE="${UPFLOW_CACHE:-$HOME/.cache/upflow}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$UPFLOW_CACHE/target}"
if ! command -v cargo >/dev/null 2>&1 && [[ -x "$HOME/.cargo/bin/cargo" ]]; then
    export PATH="$HOME/.cargo/bin:$PATH"
fi

export_file="${1:-samples/apify-upwork-jobs_2026-11-20_08-30-00-000.csv}"
[[ -f "$export_file" ]] || { echo "run.sh: no such file: $export_file" >&2; exit 1; }

eval "$(scripts/services.sh)"
# The demo's own database (tests use databases of their own).
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/upflow}"
if [[ "$DATABASE_URL" == "postgresql://postgres@127.0.0.1:5432/upflow" ]]; then
    psql -h 127.0.0.1 -U postgres -Atqc "SELECT 1 FROM pg_database WHERE datname = 'upflow'" | grep -q 1 ||
        psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE upflow"
fi

echo "==> building upflow" >&2
cargo build --quiet -p upflow-cli
"$CARGO_TARGET_DIR/debug/upflow" ingest "$export_file"
