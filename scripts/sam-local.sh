#!/usr/bin/env bash
# Every event in events/ through `sam local invoke`, against the local Postgres, S3 and SQS,
# with a check of what each function did; then cold and warm figures per function.
#
#     scripts/sam-local.sh           # build, invoke every event, check, measure
#
# Where AWS's Lambda images can be pulled, a user runs the same invokes directly (README.md,
# "sam local invoke"). Here they cannot, so this script adds what stands in for them:
#   - dockerd (Debian's docker.io), started with vfs storage and no iptables or bridge when it
#     is not running; containers use the host's network, where Postgres and moto listen;
#   - a base image for `provided.al2023` made from Debian packages (debootstrap minbase, from
#     the Debian mirror this machine's apt uses), cached as a Docker image;
#   - the functions built for x86_64 (the template's Architecture parameter), so that they run
#     natively: under qemu-user emulation an init time says nothing about Lambda's.
# SAM still adds its own Runtime Interface Emulator (samcli/local/rapid) on top of the image.
# SAM's `--docker-network host` needs a Docker bridge to work; without one (dockerd
# --bridge=none), scripts/sam-host-network.py runs sam with host networking made to work.
#
# sam local passes a function only the variables its template declares, and AWS_ENDPOINT_URL
# is not one (deployed functions talk to AWS itself): the local image sets it, pointing the
# AWS SDK at moto.
#
# Figures go to $UPFLOW_CACHE/sam-local/figures.md (copied into bench/README.md by hand).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"

log() { printf 'sam-local: %s\n' "$*" >&2; }
die() {
    printf 'sam-local: ERROR: %s\n' "$*" >&2
    exit 1
}
check() { # description, then a command that must succeed
    local what="$1"
    shift
    if "$@"; then log "ok: $what"; else die "failed: $what"; fi
}

export UPFLOW_CACHE="${UPFLOW_CACHE:-$HOME/.cache/upflow}"
work="$UPFLOW_CACHE/sam-local"
build_dir="$work/build"
mkdir -p "$work"
export SAM_CLI_TELEMETRY=0 AWS_EC2_METADATA_DISABLED=true

# ---------------------------------------------------------------- services --

eval "$(scripts/services.sh)"
py="$UPFLOW_CACHE/venv/bin/python" # the test venv: moto brings boto3
endpoint="$AWS_ENDPOINT_URL"

# ------------------------------------------------------------------ docker --

as_root() { if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi; }
if ! command -v dockerd >/dev/null 2>&1; then
    log "installing Debian's docker.io (log: $work/apt.log)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >"$work/apt.log" 2>&1 ||
        { tail -n 20 "$work/apt.log" >&2; die "apt-get install docker.io failed"; }
fi
if ! docker info >/dev/null 2>&1; then
    log "starting dockerd (log: $work/dockerd.log)"
    as_root sh -c "nohup dockerd --storage-driver=vfs --iptables=false --bridge=none >'$work/dockerd.log' 2>&1 &"
    for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
    docker info >/dev/null 2>&1 || { tail -n 20 "$work/dockerd.log" >&2; die "dockerd did not start"; }
fi

# -------------------------------------------------------------- base image --

base_image="upflow/provided-al2023-local:bookworm"
if ! docker image inspect "$base_image" >/dev/null 2>&1; then
    command -v debootstrap >/dev/null 2>&1 || as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq debootstrap >>"$work/apt.log" 2>&1 || die "apt-get install debootstrap failed"
    # The mirror apt already uses (deb822 or one-line sources), not one written here.
    mirror="$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -1)"
    [[ -n "$mirror" ]] || mirror="$(awk '$1 == "deb" && $0 !~ /security/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null)"
    [[ -n "$mirror" ]] || die "no Debian mirror found in /etc/apt/sources.list*"
    rootfs="$work/rootfs"
    as_root rm -rf "$rootfs"
    log "debootstrap --variant=minbase bookworm (log: $work/debootstrap.log)"
    as_root debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" "$mirror" \
        >"$work/debootstrap.log" 2>&1 || { tail -n 20 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
    # Lambda's layout: the code in /var/task, layers in /opt, /tmp writable.
    as_root mkdir -p "$rootfs/var/task" "$rootfs/var/runtime" "$rootfs/opt"
    as_root tar -C "$rootfs" -c . | docker import --change 'WORKDIR /var/task' - "$base_image" >/dev/null
    as_root rm -rf "$rootfs"
fi
invoke_image="upflow/provided-al2023-local:moto"
printf 'FROM %s\nENV AWS_ENDPOINT_URL=%s\n' "$base_image" "$endpoint" |
    docker build -q -t "$invoke_image" - >/dev/null 2>"$work/docker-build.log" ||
    { cat "$work/docker-build.log" >&2; die "docker build of $invoke_image failed"; }

# ------------------------------------------------------------------- build --

overrides=(Architecture=x86_64 TelegramBotTokenSecretId=local TelegramWebhookSecretId=local)
log "sam build for x86_64 into $build_dir"
# SAM_LOCAL_SKIP_BUILD=1 invokes what the last run built (while working on this script).
if [[ -z "${SAM_LOCAL_SKIP_BUILD:-}" || ! -f "$build_dir/template.yaml" ]]; then
    scripts/sam-build.sh --build-dir "$build_dir" --parameter-overrides "${overrides[@]}" >&2
fi
template="$build_dir/template.yaml"
# `sam`, with host networking that works without a Docker bridge (see the wrapper's docstring).
# A command, not a shell function: `$!` of a background run is then sam's own pid.
sam=("$UPFLOW_CACHE/sam-venv/bin/python" "$root/scripts/sam-host-network.py")

# --------------------------------------------------- database, bucket, queue --

db=upflow_sam_local
database_url="postgresql://postgres@127.0.0.1:5432/$db"
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
sql() { psql -h 127.0.0.1 -U postgres -d "$db" -tAc "$1"; }

bucket="$("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["Records"][0]["s3"]["bucket"]["name"])' events/s3-put.json)"
"$py" - "$bucket" >"$work/queue-url" <<'EOF'
import sys, boto3, json, time, urllib.parse
bucket = sys.argv[1]
s3, sqs = boto3.client("s3"), boto3.client("sqs")
try:
    s3.create_bucket(Bucket=bucket)
except s3.exceptions.BucketAlreadyOwnedByYou:
    pass
event = json.load(open("events/s3-put.json"))["Records"][0]["s3"]["object"]
key = urllib.parse.unquote_plus(event["key"])
name = key.rsplit("/", 1)[1].replace("apify upwork jobs", "apify-upwork-jobs")
s3.put_object(Bucket=bucket, Key=key, Body=open(f"samples/{name}", "rb").read())
# A queue of this run's own: SQS allows one purge a minute.
url = sqs.create_queue(QueueName=f"upflow-sam-local-{int(time.time())}")["QueueUrl"]
print(url)
EOF
queue_url="$(cat "$work/queue-url")"

# A Telegram stand-in: answers sendMessage as the Bot API does and keeps what was sent.
telegram_log="$work/telegram.jsonl"
: >"$telegram_log"
"$py" - "$telegram_log" >"$work/telegram.log" 2>&1 <<'EOF' &
import json, sys, time
from http.server import BaseHTTPRequestHandler, HTTPServer
log = sys.argv[1]
class Bot(BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
        method = self.path.rsplit("/", 1)[-1]
        with open(log, "a") as f:
            f.write(json.dumps({"method": method, "body": body}) + "\n")
        result = True
        if method == "sendMessage":
            result = {"message_id": 1, "date": int(time.time()), "text": body.get("text", ""),
                      "chat": {"id": body.get("chat_id"), "type": "private"}}
        reply = json.dumps({"ok": True, "result": result}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)
HTTPServer(("127.0.0.1", 5081), Bot).serve_forever()
EOF
telegram_pid=$!
trap 'kill $telegram_pid 2>/dev/null || true' EXIT

env_file="$work/env.json"
"$py" - "$env_file" "$database_url" "$queue_url" <<'EOF'
import json, sys
path, database_url, queue_url = sys.argv[1:]
common = {"DATABASE_URL": database_url, "DATABASE_CA_FILE": "", "PROFILE_PATH": ""}
telegram = {"TELEGRAM_BOT_TOKEN": "123:local", "TELEGRAM_API_BASE_URL": "http://127.0.0.1:5081",
            "TELEGRAM_CHAT_ID": "", "TELEGRAM_ALLOWED_CHAT_IDS": "123456789"}
json.dump({
    "SplitterFunction": {**common, "JOBS_QUEUE_URL": queue_url},
    "EvaluatorFunction": {**common, **telegram, "JOBS_QUEUE_URL": queue_url, "CEREBRAS_API_KEY": ""},
    "ApiFunction": {**common, **telegram, "API_TOKEN": "demo-api-token",
                    "TELEGRAM_WEBHOOK_SECRET": "demo-webhook-secret"},
}, open(path, "w"), indent=2)
EOF

# ------------------------------------------------------------------ invoke --

invoke() { # function event -> the function's response on stdout; its log in $work/<event>.log
    local function="$1" event="$2" out="$work/${2%.json}"
    "${sam[@]}" local invoke "$function" -t "$template" -e "events/$event" --env-vars "$env_file" \
        --parameter-overrides "${overrides[@]}" --invoke-image "$invoke_image" --skip-pull-image \
        --docker-network host >"$out.out" 2>"$out.log" || { tail -n 30 "$out.log" >&2; die "$function $event failed"; }
    cat "$out.out"
}
queued() { "$py" -c 'import boto3,sys; a=boto3.client("sqs").get_queue_attributes(QueueUrl=sys.argv[1],AttributeNames=["ApproximateNumberOfMessages"]); print(a["Attributes"]["ApproximateNumberOfMessages"])' "$queue_url"; }

invoke SplitterFunction s3-put.json >/dev/null
check "splitter: the upload's ingest succeeded" test "$(sql "SELECT status FROM ingests")" = succeeded
check "splitter: 30 jobs stored, 2 rows rejected" test "$(sql "SELECT jobs_parsed || '/' || rejected FROM ingests")" = 30/2
check "splitter: 30 jobs in the database" test "$(sql "SELECT count(*) FROM jobs")" = 30
check "splitter: 30 jobs queued" test "$(queued)" = 30

invoke EvaluatorFunction sqs-batch.json >"$work/sqs-response.json"
check "evaluator: no batch item failures" "$py" -c 'import json,sys; assert json.load(open(sys.argv[1]))["batchItemFailures"] == []' "$work/sqs-response.json"
check "evaluator: the batch's 2 jobs evaluated" test "$(sql "SELECT count(*) FROM evaluations WHERE status = 'scored'")" = 2

http_check() { # response file, status, python expression over `body`
    "$py" -c 'import json,sys; r=json.load(open(sys.argv[1])); body=r["body"]
assert r["statusCode"] == int(sys.argv[2]), r["statusCode"]
assert eval(sys.argv[3]), body[:300]' "$@"
}
invoke ApiFunction api-rankings.json >"$work/rankings-response.json"
check "api: GET /rankings answers the 2 evaluated jobs" http_check "$work/rankings-response.json" 200 \
    'len(json.loads(body)["items"]) == 2'
invoke ApiFunction api-page.json >"$work/page-response.json"
check "api: GET / renders the page with its jobs" http_check "$work/page-response.json" 200 'body.count("class=\"job\"") == 2'
invoke ApiFunction telegram-webhook.json >"$work/webhook-response.json"
check "api: the Telegram webhook answers 200" http_check "$work/webhook-response.json" 200 'True'
check "api: the bot answered /top with one message to the chat" "$py" -c 'import json,sys
sent = [json.loads(l) for l in open(sys.argv[1]) if "sendMessage" in l]
assert len(sent) == 1 and str(sent[0]["body"]["chat_id"]) == "123456789", sent' "$telegram_log"

# ------------------------------------------------------------ cold and warm --

# `sam local invoke` starts a new container each time: each invoke above was a cold start, its
# init_ms and REPORT are in $work/<event>.log. Warm figures: `sam local start-lambda` keeps
# each function's container (LAZY), so a second invoke of the same function runs in the
# process the first one started. The emulator's REPORT gives no real Init Duration (init_ms is
# read instead) nor Max Memory Used, so the peak RSS of each function's process is read from
# /proc (VmHWM) while its container is still up.
log "warm invokes through sam local start-lambda"
"${sam[@]}" local start-lambda -t "$template" --env-vars "$env_file" --parameter-overrides "${overrides[@]}" \
    --invoke-image "$invoke_image" --skip-pull-image --docker-network host --warm-containers LAZY \
    --port 3011 >"$work/start-lambda.log" 2>&1 &
lambda_pid=$!
trap 'kill $telegram_pid $lambda_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -s -o /dev/null http://127.0.0.1:3011/ && break; sleep 1; done
figures="$work/figures.md"
"$py" - "$work" "$build_dir" >"$figures" <<'EOF'
import json, os, re, subprocess, sys, boto3
from botocore.config import Config
work, build = sys.argv[1], sys.argv[2]
lam = boto3.client("lambda", endpoint_url="http://127.0.0.1:3011", region_name="us-east-1",
                   config=Config(read_timeout=300, retries={"max_attempts": 0}))
log = f"{work}/start-lambda.log"

def figure(text, what):
    m = re.search(what, text)
    return float(m.group(1)) if m else None

def peak_rss(function):
    """VmHWM (KiB) of the function's bootstrap process, found by its environment."""
    pids = subprocess.run(["pgrep", "-f", "^/var/task/bootstrap"], capture_output=True, text=True).stdout.split()
    for pid in pids:
        try:
            env = open(f"/proc/{pid}/environ", "rb").read().split(b"\0")
            status = open(f"/proc/{pid}/status").read()
        except OSError:
            continue
        if f"AWS_LAMBDA_FUNCTION_NAME={function}".encode() in env:
            return next(int(l.split()[1]) for l in status.splitlines() if l.startswith("VmHWM:"))
    return None

def cold(function, event):
    """init_ms and Duration of the `sam local invoke` run (a new container, so a cold start)."""
    text = open(f"{work}/{event[:-5]}.log").read()
    return figure(text, r'"init_ms":\s*([0-9.]+)'), figure(text, r"\tDuration: ([0-9.]+) ms")

rows = []
for function, event in [("SplitterFunction", "s3-put.json"), ("EvaluatorFunction", "sqs-batch.json"),
                        ("ApiFunction", "api-rankings.json")]:
    init, duration = cold(function, event)
    warm_init, warm = None, []
    for i in range(4):
        before = os.path.getsize(log)
        lam.invoke(FunctionName=function, Payload=open(f"events/{event}", "rb").read())
        chunk = open(log).read()[before:]
        if i == 0:
            warm_init = figure(chunk, r'"init_ms":\s*([0-9.]+)')
        else:
            warm.append(figure(chunk, r"\tDuration: ([0-9.]+) ms"))
    size = os.path.getsize(f"{build}/{function}/bootstrap") / 1e6
    rss = peak_rss(function)
    rows.append((function, event, size, init, warm_init, duration, warm, rss))

print("| function (event) | binary | init, cold (two runs) | first invoke | warm invokes | peak RSS |")
print("|---|---|---|---|---|---|")
for function, event, size, init, warm_init, duration, warm, rss in rows:
    warm_text = ", ".join(f"{w:.1f}" for w in warm if w is not None)
    print(f"| {function} (`{event}`) | {size:.1f} MB | {init} ms, {warm_init} ms | {duration} ms "
          f"| {warm_text} ms | {rss / 1024 if rss else 0:.1f} MiB |")
EOF
kill "$lambda_pid" 2>/dev/null || true
wait "$lambda_pid" 2>/dev/null || true
cat "$figures" >&2
log "all events invoked and checked; figures in $figures"
