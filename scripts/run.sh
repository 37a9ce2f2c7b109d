#!/usr/bin/env bash
# upflow's "run it" command: the whole pipeline on a fresh machine, no AWS account needed.
#
#     scripts/run.sh [EXPORT_FILE]      # default: the sample export in samples/
#
# 1. Starts (or reuses) local Postgres and the local S3/SQS server, and creates the database.
# 2. `upflow local-run`: creates the bucket, the jobs queue and its DLQ (with the template's
#    redrive policy), uploads the export, runs the splitter handler on the upload's S3 event,
#    then the evaluator handler on SQS batches with the template's batch size and concurrency
#    cap. With CEREBRAS_API_KEY set it scores with Cerebras; without, with the offline rules
#    scorer (it says which). Prints progress, a summary and the top jobs.
# 3. Serves the api and the rankings page locally and prints the page's URL (Ctrl-C stops it).
#    Set UPFLOW_NO_SERVE=1 to stop after step 2.
# Running it twice scores nothing twice.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export UPFLOW_CACHE="${UPFLOW_CACHE:-$HOME/.cache/upflow}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$UPFLOW_CACHE/target}"
if ! command -v cargo >/dev/null 2>&1 && [[ -x "$HOME/.cargo/bin/cargo" ]]; then
    export PATH="$HOME/.cargo/bin:$PATH"
fi
command -v cargo >/dev/null 2>&1 || { echo "run.sh: cargo not found: install Rust with rustup" >&2; exit 1; }

export_file="${1:-samples/apify-upwork-jobs_2026-11-20_08-30-00-000.csv}"
[[ -f "$export_file" ]] || { echo "run.sh: no such file: $export_file" >&2; exit 1; }

eval "$(scripts/services.sh)"
# The demo's own database (tests use databases of their own).
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/upflow}"
if [[ "$DATABASE_URL" == "postgresql://postgres@127.0.0.1:5432/upflow" ]]; then
    psql -h 127.0.0.1 -U postgres -Atqc "SELECT 1 FROM pg_database WHERE datname = 'upflow'" | grep -q 1 ||
        psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE upflow"
fi
if [[ -z "${CEREBRAS_API_KEY:-}" ]]; then
    echo "==> no CEREBRAS_API_KEY: scoring with the offline rules scorer" >&2
fi

echo "==> building upflow and the api" >&2
cargo build --quiet -p upflow-cli -p api
"$CARGO_TARGET_DIR/debug/upflow" local-run "$export_file"

[[ -n "${UPFLOW_NO_SERVE:-}" ]] && exit 0
export PORT="${PORT:-3000}"
export API_TOKEN="${API_TOKEN:-demo-api-token}"
echo >&2
echo "==> the rankings page: http://127.0.0.1:$PORT/?token=$API_TOKEN" >&2
echo "    the JSON API:      curl -H 'Authorization: Bearer $API_TOKEN' http://127.0.0.1:$PORT/rankings" >&2
echo "    a proposal draft:  curl -X POST -H 'Authorization: Bearer $API_TOKEN' http://127.0.0.1:$PORT/jobs/<job_id>/proposal" >&2
echo "                       (or the \"✍️ Proposal draft\" link on each row of the page)" >&2
echo "    (Ctrl-C stops the server)" >&2
exec "$CARGO_TARGET_DIR/debug/api"
