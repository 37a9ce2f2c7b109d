#!/usr/bin/env bash
# Check template.yaml offline: `sam validate --lint` (the SAM transform and cfn-lint as
# the SAM CLI runs it) and `cfn-lint` on its own. Fails on any finding.
#
#     scripts/lint-template.sh
#
# Installs aws-sam-cli (which brings cfn-lint) from PyPI into $UPFLOW_CACHE/sam-venv
# (or SAM_VENV) when missing: the same venv scripts/sam-build.sh uses, apart from the
# test venv so aws-sam-cli's pinned dependencies never move moto's.
#
# Nothing here talks to AWS: --lint needs only the template, the region names the
# resource specification cfn-lint checks against, and the dummy credentials and disabled
# instance metadata keep boto from looking for real ones.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf 'lint-template: %s\n' "$*" >&2; }
die() {
    printf 'lint-template: ERROR: %s\n' "$*" >&2
    exit 1
}

UPFLOW_CACHE="${UPFLOW_CACHE:-$HOME/.cache/upflow}"
SAM_VENV="${SAM_VENV:-$UPFLOW_CACHE/sam-venv}"
SAM_CLI_VERSION="${SAM_CLI_VERSION:-1.170.0}" # keep in step with scripts/sam-build.sh
TEMPLATE="${1:-template.yaml}"
REGION=us-east-1

mkdir -p "$UPFLOW_CACHE"
pip_log="$UPFLOW_CACHE/sam-pip.log"
if [[ ! -x "$SAM_VENV/bin/python" ]]; then
    log "creating Python venv $SAM_VENV"
    python3 -m venv "$SAM_VENV" >"$pip_log" 2>&1 || {
        cat "$pip_log" >&2
        die "python3 -m venv $SAM_VENV failed (on Debian: apt-get install python3-venv)"
    }
fi
if [[ ! -x "$SAM_VENV/bin/sam" || ! -x "$SAM_VENV/bin/cfn-lint" ]]; then
    log "installing aws-sam-cli==$SAM_CLI_VERSION (with cfn-lint) into $SAM_VENV (log: $pip_log)"
    "$SAM_VENV/bin/pip" install --disable-pip-version-check -q "aws-sam-cli==$SAM_CLI_VERSION" \
        </dev/null >>"$pip_log" 2>&1 || {
        tail -n 30 "$pip_log" >&2
        die "pip install aws-sam-cli failed"
    }
fi

# Offline: no telemetry, no credential or metadata lookups, a fixed region.
export SAM_CLI_TELEMETRY=0
export AWS_EC2_METADATA_DISABLED=true
export AWS_REGION="$REGION" AWS_DEFAULT_REGION="$REGION"
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-lint-offline}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-lint-offline}"
unset AWS_PROFILE AWS_ENDPOINT_URL

status=0
log "sam validate --lint --region $REGION --template-file $TEMPLATE"
"$SAM_VENV/bin/sam" validate --lint --region "$REGION" --template-file "$TEMPLATE" || status=1
log "cfn-lint $TEMPLATE ($("$SAM_VENV/bin/cfn-lint" --version))"
# Every finding fails, informational ones included (cfn-lint's default exit code).
"$SAM_VENV/bin/cfn-lint" --regions "$REGION" --include-checks I -- "$TEMPLATE" || status=1
if ((status)); then
    die "$TEMPLATE has lint findings (above)"
fi
log "$TEMPLATE passes sam validate --lint and cfn-lint"
