#!/usr/bin/env bash
# Build the three Lambda functions with `sam build`, on this machine, without Docker:
#
#     scripts/sam-build.sh                   # all functions -> .aws-sam/build
#     scripts/sam-build.sh SplitterFunction  # extra arguments go to `sam build`
#
# then `sam deploy` (samconfig.toml holds the stack's defaults).
#
# Installs what `sam build` needs when it is missing, all from PyPI into a venv under
# $UPFLOW_CACHE (default ~/.cache/upflow): aws-sam-cli, cargo-lambda (its wheel ships
# the binary) and ziglang (the linker cargo-lambda cross-compiles with). Adds the Rust
# target aarch64-unknown-linux-gnu (the functions run on arm64, provided.al2023).
#
# The tools live in their own venv ($UPFLOW_CACHE/sam-venv, or SAM_VENV), not in the
# test venv: aws-sam-cli pins boto3, pydantic and friends to versions of its own, which
# must not move the moto that the tests run on.
#
# Cargo builds into $UPFLOW_CACHE/sam-target (or CARGO_TARGET_DIR): outside the clone,
# kept between runs, and apart from the test build's target dir so the two never wait
# on each other's lock. A first build takes several minutes on 2 cores; later ones
# rebuild only what changed, and `cached = true` skips functions whose sources did not.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf 'sam-build: %s\n' "$*" >&2; }
die() {
    printf 'sam-build: ERROR: %s\n' "$*" >&2
    exit 1
}

UPFLOW_CACHE="${UPFLOW_CACHE:-$HOME/.cache/upflow}"
SAM_VENV="${SAM_VENV:-$UPFLOW_CACHE/sam-venv}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$UPFLOW_CACHE/sam-target}"

# Versions known to build this workspace. aws-sam-cli 1.170 (aws-lambda-builders 1.67)
# builds Cargo workspace members into the workspace's (or CARGO_TARGET_DIR's) target dir
# and no longer treats rust-cargolambda as a beta feature (no --beta-features needed).
SAM_CLI_VERSION="${SAM_CLI_VERSION:-1.170.0}"
CARGO_LAMBDA_VERSION="${CARGO_LAMBDA_VERSION:-1.9.2}"
ZIGLANG_VERSION="${ZIGLANG_VERSION:-0.17.1}"

# No usage reports from the SAM CLI; no instance-metadata probing for credentials.
export SAM_CLI_TELEMETRY=0
export AWS_EC2_METADATA_DISABLED=true

mkdir -p "$UPFLOW_CACHE"

# ------------------------------------------------------------------ tools --

# cargo comes from rustup; a non-login shell (CI) may lack ~/.cargo/bin.
if ! command -v cargo >/dev/null 2>&1 && [[ -x "$HOME/.cargo/bin/cargo" ]]; then
    export PATH="$HOME/.cargo/bin:$PATH"
fi
command -v cargo >/dev/null 2>&1 || die "cargo not found on PATH (install Rust with rustup)"
command -v rustup >/dev/null 2>&1 || die "rustup not found on PATH (needed to add the aarch64 target)"

installed_version() { # venv package -> its version, or nothing
    "$SAM_VENV/bin/python" -c 'import importlib.metadata as m, sys
try: print(m.version(sys.argv[1]))
except m.PackageNotFoundError: pass' "$1" 2>/dev/null || true
}

pip_log="$UPFLOW_CACHE/sam-pip.log"
if [[ ! -x "$SAM_VENV/bin/python" ]]; then
    log "creating Python venv $SAM_VENV"
    python3 -m venv "$SAM_VENV" >"$pip_log" 2>&1 || {
        cat "$pip_log" >&2
        die "python3 -m venv $SAM_VENV failed (on Debian: apt-get install python3-venv)"
    }
fi
wanted=()
[[ "$(installed_version aws-sam-cli)" == "$SAM_CLI_VERSION" ]] || wanted+=("aws-sam-cli==$SAM_CLI_VERSION")
[[ "$(installed_version cargo-lambda)" == "$CARGO_LAMBDA_VERSION" ]] || wanted+=("cargo-lambda==$CARGO_LAMBDA_VERSION")
[[ "$(installed_version ziglang)" == "$ZIGLANG_VERSION" ]] || wanted+=("ziglang==$ZIGLANG_VERSION")
if ((${#wanted[@]})); then
    log "installing ${wanted[*]} into $SAM_VENV (log: $pip_log)"
    "$SAM_VENV/bin/pip" install --disable-pip-version-check -q "${wanted[@]}" \
        </dev/null >>"$pip_log" 2>&1 || {
        tail -n 30 "$pip_log" >&2
        die "pip install ${wanted[*]} failed"
    }
fi
# sam, cargo-lambda, and the venv's python3 (cargo-lambda finds zig as `python3 -m ziglang`).
export PATH="$SAM_VENV/bin:$PATH"

if ! rustup target list --installed 2>/dev/null | grep -qx aarch64-unknown-linux-gnu; then
    log "adding the Rust target aarch64-unknown-linux-gnu"
    rustup target add aarch64-unknown-linux-gnu >&2 || die "rustup target add aarch64-unknown-linux-gnu failed"
fi

# ------------------------------------------------------------------ build --

log "sam build (cargo target dir: $CARGO_TARGET_DIR)"
start=$SECONDS
sam build "$@"
log "built in $((SECONDS - start)) s (next: sam deploy)"
