#!/usr/bin/env bash
# Make sure the local services that upflow's tests and demo talk to are up,
# then print `export` lines for them on stdout:
#
#     eval "$(scripts/services.sh)"
#
# Services:
#   - PostgreSQL 15 on 127.0.0.1:5432 (trust auth, user postgres)
#   - moto server (fake S3 + SQS) on 127.0.0.1:${MOTO_PORT:-5055}
#   - pgbouncer in transaction mode on 127.0.0.1:${PGBOUNCER_PORT:-6432},
#     pooling to the PostgreSQL above
#
# Idempotent: whatever already answers is reused, so a second run takes well
# under a second. Only stdout carries the export lines; every human message
# goes to stderr, and nothing is printed there when all is already running.
# Long-running daemons get their own log files and never inherit this
# script's stdout/stderr, so `$(...)` and CI pipes are not held open.
set -euo pipefail

UPFLOW_CACHE="${UPFLOW_CACHE:-$HOME/.cache/upflow}"
MOTO_PORT="${MOTO_PORT:-5055}"
PGBOUNCER_PORT="${PGBOUNCER_PORT:-6432}"
PG_HOST=127.0.0.1
PG_PORT=5432

# ---------------------------------------------------------------- helpers --

log() { printf 'services: %s\n' "$*" >&2; }
die() {
    printf 'services: ERROR: %s\n' "$*" >&2
    exit 1
}

# Print the last lines of a log file to stderr (used on failures).
show_log() {
    if [[ -s "$1" ]]; then
        printf -- '--- last lines of %s ---\n' "$1" >&2
        tail -n "${2:-30}" "$1" >&2
        printf -- '---\n' >&2
    fi
}

# Run a command as root: directly when we are root, else through
# passwordless sudo; fail clearly when neither is possible.
as_root() {
    if [[ $EUID -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo -n "$@"
    else
        die "need root (or passwordless sudo) to run: $*"
    fi
}

# Does anything accept TCP connections on 127.0.0.1:$1? (bash /dev/tcp probe)
port_open() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Install Debian packages quietly; the apt log is shown only on failure.
apt_install() {
    local apt_log="$UPFLOW_CACHE/apt.log"
    log "installing Debian package(s): $* (log: $apt_log)"
    if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get update \
        </dev/null >"$apt_log" 2>&1 ||
        ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y \
            --no-install-recommends "$@" </dev/null >>"$apt_log" 2>&1; then
        show_log "$apt_log"
        die "apt-get install $* failed"
    fi
}

mkdir -p "$UPFLOW_CACHE"

# ------------------------------------------------------------- PostgreSQL --

pg_ready() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT" >/dev/null 2>&1; }

# Can we run a query over TCP as postgres without a password (trust auth)?
pg_trust_ok() {
    PGCONNECT_TIMEOUT=5 psql -w -X -q -h "$PG_HOST" -p "$PG_PORT" \
        -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1
}

# Newest PostgreSQL version that has a cluster config under /etc/postgresql.
pg_cluster_version() {
    local v
    # shellcheck disable=SC2012 # version dirs are plain numbers like 15
    for v in $(ls /etc/postgresql 2>/dev/null | sort -V -r); do
        if [[ -f "/etc/postgresql/$v/main/postgresql.conf" ]]; then
            echo "$v"
            return 0
        fi
    done
    return 1
}

# Start the cluster of version $1; its output goes to a log, shown on failure.
pg_start_cluster() {
    local v="$1" start_log="$UPFLOW_CACHE/pg_start.log"
    log "starting PostgreSQL $v cluster 'main'"
    # pg_ctlcluster returns non-zero if the cluster is already running (e.g.
    # up but not yet ready); readiness is checked by the caller in any case.
    as_root pg_ctlcluster --skip-systemctl-redirect "$v" main start \
        </dev/null >"$start_log" 2>&1 || true
    # pg_ctlcluster keeps the server's own log here.
    PG_SERVER_LOG="/var/log/postgresql/postgresql-$v-main.log"
}

wait_pg_ready() {
    local i
    for ((i = 0; i < 60; i++)); do # 60 x 0.5 s = 30 s
        pg_ready && return 0
        sleep 0.5
    done
    show_log "$UPFLOW_CACHE/pg_start.log"
    show_log "${PG_SERVER_LOG:-/dev/null}"
    die "PostgreSQL did not become ready on $PG_HOST:$PG_PORT within 30 s"
}

ensure_postgres() {
    if ! pg_ready; then
        local v
        if ! v="$(pg_cluster_version)"; then
            # No cluster. Install the server if its binaries are missing
            # (Debian's package creates and starts a 'main' cluster), else
            # create the cluster from the installed binaries.
            if ! compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
                apt_install postgresql
            fi
            if ! v="$(pg_cluster_version)"; then
                local bin_v
                # shellcheck disable=SC2012 # version dirs are plain numbers
                bin_v="$(ls /usr/lib/postgresql | sort -V | tail -1)"
                log "creating PostgreSQL $bin_v cluster 'main'"
                as_root pg_createcluster "$bin_v" main \
                    </dev/null >"$UPFLOW_CACHE/pg_start.log" 2>&1 ||
                    {
                        show_log "$UPFLOW_CACHE/pg_start.log"
                        die "pg_createcluster $bin_v main failed"
                    }
                v="$bin_v"
            fi
        fi
        # The package install may have started it already.
        pg_ready || pg_start_cluster "$v"
        wait_pg_ready
    fi

    # The tests connect over TCP as postgres with no password. pg_hba.conf is
    # first-match, so the trust rule is put at the top of the file (appending
    # it would be shadowed by Debian's default scram-sha-256 line for
    # 127.0.0.1), then the server is told to reload.
    if ! pg_trust_ok; then
        command -v psql >/dev/null || die "psql not found (install postgresql-client)"
        local hba
        hba="$(as_root runuser -u postgres -- psql -X -Atc 'show hba_file' 2>/dev/null)" ||
            hba="/etc/postgresql/$(pg_cluster_version)/main/pg_hba.conf"
        [[ -f "$hba" ]] || die "cannot find pg_hba.conf (tried '$hba')"
        log "adding 'host all all 127.0.0.1/32 trust' to $hba and reloading"
        as_root sed -i '1i host all all 127.0.0.1/32 trust  # added by upflow scripts/services.sh' "$hba"
        as_root runuser -u postgres -- psql -X -qAtc 'select pg_reload_conf()' >/dev/null 2>&1 ||
            as_root pg_ctlcluster --skip-systemctl-redirect "$(pg_cluster_version)" main reload \
                </dev/null >/dev/null 2>&1 || true
        local i
        for ((i = 0; i < 20; i++)); do
            pg_trust_ok && break
            sleep 0.25
        done
        pg_trust_ok || die "still cannot connect as postgres to $PG_HOST:$PG_PORT without a password (check $hba)"
    fi
}

# ------------------------------------------------------------ moto server --

VENV="$UPFLOW_CACHE/venv"

# moto answers GET /moto-api/ (its dashboard); anything else on the port
# is not ours.
moto_ready() {
    if command -v curl >/dev/null 2>&1; then
        curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$MOTO_PORT/moto-api/"
    else
        port_open "$MOTO_PORT"
    fi
}

ensure_moto() {
    moto_ready && return 0

    # Something else holding the port would make moto fail to bind.
    if port_open "$MOTO_PORT"; then
        die "port $MOTO_PORT is taken by something that is not moto (set MOTO_PORT to another port)"
    fi

    # Python venv with moto's server extra, kept in the cache dir.
    local pip_log="$UPFLOW_CACHE/pip.log"
    if [[ ! -x "$VENV/bin/python" ]]; then
        log "creating Python venv $VENV"
        python3 -m venv "$VENV" >"$pip_log" 2>&1 || {
            show_log "$pip_log"
            die "python3 -m venv $VENV failed (on Debian: apt-get install python3-venv)"
        }
    fi
    if [[ ! -x "$VENV/bin/moto_server" ]]; then
        log "installing moto[server] into $VENV (log: $pip_log)"
        "$VENV/bin/pip" install --disable-pip-version-check -q "moto[server]" \
            </dev/null >>"$pip_log" 2>&1 || {
            show_log "$pip_log"
            die "pip install moto[server] failed"
        }
    fi

    # Start it detached: own session (setsid), immune to hangups (nohup),
    # all output to its log, stdin from /dev/null. setsid execs in place
    # here (we are not a process-group leader), so $! is moto's own pid.
    local moto_log="$UPFLOW_CACHE/moto.log" pid_file="$UPFLOW_CACHE/moto.pid"
    log "starting moto server on 127.0.0.1:$MOTO_PORT (log: $moto_log)"
    setsid nohup "$VENV/bin/moto_server" -H 127.0.0.1 -p "$MOTO_PORT" \
        </dev/null >"$moto_log" 2>&1 &
    local pid=$!
    echo "$pid" >"$pid_file"

    # Wait until it answers (the first start compiles bytecode: allow 60 s).
    local i
    for ((i = 0; i < 120; i++)); do
        moto_ready && return 0
        if ! kill -0 "$pid" 2>/dev/null; then
            show_log "$moto_log"
            die "moto server exited during startup"
        fi
        sleep 0.5
    done
    show_log "$moto_log"
    die "moto server did not answer on 127.0.0.1:$MOTO_PORT within 60 s"
}

# -------------------------------------------------------------- pgbouncer --

PGBOUNCER_BIN=/usr/sbin/pgbouncer
PGB_URL="postgresql://postgres@127.0.0.1:$PGBOUNCER_PORT/postgres"

pgb_ready() { pg_isready -q -h 127.0.0.1 -p "$PGBOUNCER_PORT" -U postgres >/dev/null 2>&1; }
pgb_query_ok() { PGCONNECT_TIMEOUT=5 psql -w -X -q "$PGB_URL" -Atc 'select 1' >/dev/null 2>&1; }

ensure_pgbouncer() {
    if ! pgb_ready; then
        if [[ ! -x "$PGBOUNCER_BIN" ]]; then
            apt_install pgbouncer
            # Where the package's install starts Debian's own instance (its
            # /etc/pgbouncer config, no databases, also on 6432), stop it:
            # it is not the pooler the tests need.
            if [[ -s /var/run/postgresql/pgbouncer.pid && -x /etc/init.d/pgbouncer ]]; then
                as_root /etc/init.d/pgbouncer stop </dev/null >/dev/null 2>&1 || true
            fi
        fi

        # Port free? Otherwise pgbouncer cannot bind and the reason would be
        # buried in its log.
        if port_open "$PGBOUNCER_PORT"; then
            die "port $PGBOUNCER_PORT is taken by something that does not answer as PostgreSQL (set PGBOUNCER_PORT to another port)"
        fi

        # pgbouncer refuses to run as root. As root we pass `-u postgres`, and
        # it drops to that user before opening its log, pid file and socket,
        # so its directory must be reachable by postgres. $UPFLOW_CACHE under
        # /root (mode 700) is not: then the files live under PostgreSQL's run
        # dir instead, and $UPFLOW_CACHE/pgbouncer is a symlink to them.
        local dir="$UPFLOW_CACHE/pgbouncer" run_user=() owner=""
        if [[ $EUID -eq 0 ]]; then
            run_user=(-u postgres)
            owner=postgres
            if ! runuser -u postgres -- test -x "$UPFLOW_CACHE" 2>/dev/null; then
                dir=/var/run/postgresql/upflow-pgbouncer-$PGBOUNCER_PORT
                if [[ -L "$UPFLOW_CACHE/pgbouncer" || ! -e "$UPFLOW_CACHE/pgbouncer" ]]; then
                    ln -sfn "$dir" "$UPFLOW_CACHE/pgbouncer"
                fi
            fi
        fi
        mkdir -p "$dir"

        # Config and auth file (re)written on every start so they match this
        # script. `*` forwards any database name to the local PostgreSQL.
        # trust: no password, but the user must be listed in auth_file.
        cat >"$dir/pgbouncer.ini" <<EOF
; written by upflow scripts/services.sh; rewritten on every start
[databases]
* = host=127.0.0.1 port=$PG_PORT

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGBOUNCER_PORT
unix_socket_dir = $dir
pool_mode = transaction
auth_type = trust
auth_file = $dir/userlist.txt
max_client_conn = 200
default_pool_size = 20
ignore_startup_parameters = extra_float_digits,options
; lets psql connect to the admin database pgbouncer (SHOW POOLS etc.)
admin_users = postgres
; tests open many short connections: keep the log to errors and warnings
log_connections = 0
log_disconnections = 0
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
EOF
        printf '"postgres" ""\n' >"$dir/userlist.txt"
        if [[ -n "$owner" ]]; then
            chown -R "$owner:" "$dir"
        fi

        # -d: daemonise. A stale pid file from a killed pgbouncer is detected
        # and replaced by pgbouncer itself.
        log "starting pgbouncer on 127.0.0.1:$PGBOUNCER_PORT (files: $dir)"
        "$PGBOUNCER_BIN" -d "${run_user[@]}" "$dir/pgbouncer.ini" \
            </dev/null >"$UPFLOW_CACHE/pgbouncer-start.log" 2>&1 || {
            show_log "$UPFLOW_CACHE/pgbouncer-start.log"
            show_log "$dir/pgbouncer.log"
            die "pgbouncer failed to start"
        }
        local i
        for ((i = 0; i < 60; i++)); do # up to 30 s
            pgb_ready && break
            sleep 0.5
        done
        pgb_ready || {
            show_log "$dir/pgbouncer.log"
            die "pgbouncer did not answer on 127.0.0.1:$PGBOUNCER_PORT within 30 s"
        }
    fi

    # Prove that queries pass through the pool to PostgreSQL.
    if ! pgb_query_ok; then
        psql -w -X "$PGB_URL" -c 'select 1' >&2 || true
        show_log "$UPFLOW_CACHE/pgbouncer/pgbouncer.log"
        die "pgbouncer on 127.0.0.1:$PGBOUNCER_PORT does not pass queries ($PGB_URL)"
    fi
}

# ------------------------------------------------------------------- main --

# pg_isready/psql come with PostgreSQL; no client means no server either.
command -v pg_isready >/dev/null 2>&1 || apt_install postgresql postgresql-client
ensure_postgres
ensure_moto
ensure_pgbouncer

# The only thing on stdout: lines for the caller to eval. AWS_REGION is what
# the Rust SDK reads; AWS_DEFAULT_REGION is for boto3 and the AWS CLI.
cat <<EOF
export UPFLOW_TEST_DATABASE_URL=postgresql://postgres@$PG_HOST:$PG_PORT/postgres
export UPFLOW_TEST_PGBOUNCER_URL=postgresql://postgres@127.0.0.1:$PGBOUNCER_PORT/postgres
export AWS_ENDPOINT_URL=http://127.0.0.1:$MOTO_PORT
export AWS_ACCESS_KEY_ID=test
export AWS_SECRET_ACCESS_KEY=test
export AWS_REGION=us-east-1
export AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true
EOF
