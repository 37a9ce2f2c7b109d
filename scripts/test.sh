#!/usr/bin/env bash
# upflow's test command: format check, clippy, then the whole workspace's
# tests against real local services (PostgreSQL, pgbouncer, moto S3/SQS).
#
#     scripts/test.sh                 # everything
#     scripts/test.sh -- --nocapture  # extra arguments go to `cargo test`
#     scripts/test.sh -p upflow       # ... e.g. one package
#
# CI runs this through .ci/run.
set -euo pipefail

# Work from the repository root whatever the caller's directory.
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { printf '\n==> %s\n' "$*" >&2; }
die() {
    printf 'test.sh: ERROR: %s\n' "$*" >&2
    exit 1
}

# Build cache outside the clone: CI runs in a fresh clone each time, so a
# target dir inside it would rebuild every dependency on every run.
export UPFLOW_CACHE="${UPFLOW_CACHE:-$HOME/.cache/upflow}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$UPFLOW_CACHE/target}"

# cargo comes from rustup; a non-login shell (CI) may lack ~/.cargo/bin.
if ! command -v cargo >/dev/null 2>&1 && [[ -x "$HOME/.cargo/bin/cargo" ]]; then
    export PATH="$HOME/.cargo/bin:$PATH"
fi
command -v cargo >/dev/null 2>&1 ||
    die "cargo not found on PATH (install the Rust toolchain with rustup, or add ~/.cargo/bin to PATH)"
cargo fmt --version >/dev/null 2>&1 ||
    die "rustfmt is missing (rustup component add rustfmt)"
cargo clippy --version >/dev/null 2>&1 ||
    die "clippy is missing (rustup component add clippy)"

# Local services; exports UPFLOW_TEST_DATABASE_URL, UPFLOW_TEST_PGBOUNCER_URL
# and the AWS_* variables pointing the SDK at moto.
step "services (PostgreSQL, moto, pgbouncer)"
services_env="$(scripts/services.sh)" || die "scripts/services.sh failed"
eval "$services_env"
UPFLOW_CHROMIUM="$(scripts/browser.sh)" || die "scripts/browser.sh failed"; export UPFLOW_CHROMIUM UPFLOW_CHROMEDRIVER=/usr/bin/chromedriver

step "template: sam validate --lint and cfn-lint"
scripts/lint-template.sh

step "cargo fmt --all -- --check"
cargo fmt --all -- --check

step "cargo clippy --workspace --all-targets --locked -- -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

# --no-fail-fast: one failing test binary must not hide the results of the others.
step "cargo test --workspace --locked --no-fail-fast $*"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
cargo test --workspace --locked --no-fail-fast "$@" 2>&1 | tee "$log" || status=$?
# One closing line over every test binary: "N passed, M failed".
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
