#!/usr/bin/env bash
# The api under load: 100,000 evaluated jobs in Postgres, the api server (release build) on
# loopback, wrk against GET /rankings?limit=20 and filtered queries. Figures in bench/README.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export UPFLOW_CACHE="${UPFLOW_CACHE:-$HOME/.cache/upflow}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$UPFLOW_CACHE/target}"
eval "$(scripts/services.sh)"
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
cargo build --release --quiet -p api -p upflow-cli
db=upflow_bench_api
export DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$db"
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
"$CARGO_TARGET_DIR/release/upflow" migrate
# The default profile's version, as `upflow score` prints it (scoring /dev/null then fails, so
# the exit status is not the pipeline's).
version="$( (cd /tmp && "$CARGO_TARGET_DIR/release/upflow" score /dev/null 2>&1 || true) \
    | sed -n 's/.*(version \([0-9a-f]*\)).*/\1/p' | head -1)"
[[ -n "$version" ]] || { echo "api_load.sh: could not read the profile version" >&2; exit 1; }
psql -h 127.0.0.1 -U postgres -d "$db" -q -v version="$version" -f bench/sql/seed_100k.sql
PORT=3100 "$CARGO_TARGET_DIR/release/api" >/tmp/upflow-api-bench.log 2>&1 &
server=$!
trap 'kill $server' EXIT
sleep 2
# `bench/api_load.sh search` runs only the text search queries (issue 10).
plain=("limit=20" "limit=20&min_score=50&priority=Medium")
# Text search on the seed's words: Voice (a tenth of the jobs), engineer (every job, in the
# description), rust (a skill on 1%), rag (a tenth, all off-profile: none in the default view),
# with filters, and words nobody wrote.
search=("limit=20&q=Voice" "limit=20&q=engineer" "limit=20&q=rust" "limit=20&q=rag"
    "limit=20&q=rag&relevant=all&priority=High" "limit=20&q=voice&min_score=50&priority=Medium"
    "limit=20&q=rust&priority=High" "limit=20&q=%22voice%20agent%22%20-webrtc" "limit=20&q=blockchain")
queries=("${plain[@]}" "${search[@]}")
[[ "${1:-}" == search ]] && queries=("${search[@]}")
for query in "${queries[@]}"; do
    echo "== /rankings?$query: $(curl -s "http://127.0.0.1:3100/rankings?$query" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]), "items")')"
    for c in 1 8; do
        echo "-- $c connection(s)"
        wrk -t"$(( c < 2 ? 1 : 2 ))" -c"$c" -d10s --latency "http://127.0.0.1:3100/rankings?$query" | grep -E "50%|99%|Requests/sec"
    done
done
[[ "${1:-}" == search ]] && exit 0
echo "== / (the page), 8 connections"
wrk -t2 -c8 -d15s --latency "http://127.0.0.1:3100/" | grep -E "50%|99%|Requests/sec"
