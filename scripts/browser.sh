#!/usr/bin/env bash
# Make sure Debian's Chromium and ChromeDriver are installed for the page's
# real-browser test (tests/tests/page_browser.rs), then print the Chromium
# path on stdout:
#
#     scripts/browser.sh            # -> /usr/bin/chromium
#
# Installs the Debian packages `chromium` and `chromium-driver` when either
# binary is missing (running `apt-get update` first only when apt does not
# know the packages yet). Quiet: the apt log is shown only on failure, and
# nothing is printed on stderr when both are already there. The test finds
# them through UPFLOW_CHROMIUM and UPFLOW_CHROMEDRIVER (default: the paths
# below), which scripts/test.sh exports.
set -euo pipefail

UPFLOW_CACHE="${UPFLOW_CACHE:-$HOME/.cache/upflow}"
CHROMIUM=/usr/bin/chromium
CHROMEDRIVER=/usr/bin/chromedriver

log() { printf 'browser: %s\n' "$*" >&2; }
die() {
    printf 'browser: ERROR: %s\n' "$*" >&2
    exit 1
}

as_root() {
    if [[ $EUID -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo -n "$@"
    else
        die "need root (or passwordless sudo) to run: $*"
    fi
}

# Does apt know a candidate version of every package given?
apt_knows() {
    local p
    for p in "$@"; do
        apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [^(]' || return 1
    done
}

if [[ ! -x "$CHROMIUM" || ! -x "$CHROMEDRIVER" ]]; then
    mkdir -p "$UPFLOW_CACHE"
    apt_log="$UPFLOW_CACHE/apt-browser.log"
    : >"$apt_log"
    packages=(chromium chromium-driver)
    log "installing Debian packages: ${packages[*]} (log: $apt_log)"
    if ! apt_knows "${packages[@]}"; then
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null >>"$apt_log" 2>&1 ||
            { tail -n 30 "$apt_log" >&2; die "apt-get update failed"; }
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${packages[@]}" </dev/null >>"$apt_log" 2>&1 ||
        { tail -n 30 "$apt_log" >&2; die "apt-get install ${packages[*]} failed"; }
fi

[[ -x "$CHROMIUM" ]] || die "$CHROMIUM is missing after installing chromium"
[[ -x "$CHROMEDRIVER" ]] || die "$CHROMEDRIVER is missing after installing chromium-driver"
echo "$CHROMIUM"
