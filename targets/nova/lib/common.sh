# Shared settings and helpers of the Nova target scripts (sourced, not run).
# Everything these scripts start or write lives under the state folder.

STATE="${METACONFORM_NOVA_STATE:-/var/tmp/metaconform-nova}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY=/usr/bin/python3            # Debian's interpreter: the one that can import nova and glance

NOVA_PORT=8774
GLANCE_PORT=9292
NEUTRON_PORT=9696

# Identities: noauth2 tokens are "user:project"; Nova's router wants hex project ids; a user named
# "admin" would bypass server locks, so the suite's user is an ordinary one.
PROJECT_ID=6d657461636f6e666f726d0000000001
USER_ID=metaconform
# Fixed fixture ids, so a second run finds (and resets) the same fixtures.
SERVER_ID=6d657461-636f-4e66-8f72-6d0000000001
ERROR_SERVER_ID=6d657461-636f-4e66-8f72-6d0000000002
UNLAUNCHED_SERVER_ID=6d657461-636f-4e66-8f72-6d0000000004
OTHER_PROJECT_ID=6d657461636f6e666f726d0000000002
OTHER_PROJECT_SERVER_ID=6d657461-636f-4e66-8f72-6d0000000005
IMAGE_ID=6d657461-636f-4e66-8f72-6d0000000003

SCRATCH="$STATE/pkgroot"        # service packages unpacked here (dpkg-deb -x), never installed
ETC="$STATE/etc"
DB="$STATE/db"
LOGS="$STATE/logs"
RUN="$STATE/run"                # PID files

# All progress goes to stderr: stdout of up.sh is only the export lines.
say() { printf '%s\n' "nova-target: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

now() { date +%s.%N; }
# phase_end NAME START: records and prints how long a phase took.
PHASES=()
phase_end() {
  local took
  took=$(awk -v a="$2" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
  PHASES+=("$1 ${took}s")
  say "phase '$1' took ${took}s"
}

# pid_alive FILE: true when FILE names a running process.
pid_alive() {
  local pid
  [[ -s "$1" ]] || return 1
  pid=$(cat "$1")
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null
}
