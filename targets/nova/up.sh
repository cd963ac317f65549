#!/usr/bin/env bash
# Stands up upstream OpenStack Nova (Zed 26.2.2) and Glance from Debian's packages on this machine, as a
# conformance target for metaconform, and prints the suite's settings as `export` lines on stdout:
#
#   eval "$(bash targets/nova/up.sh)" && npm run conformance; bash targets/nova/down.sh
#
# Needs root on Debian 12. Everything it writes or starts lives under $METACONFORM_NOVA_STATE
# (default /var/tmp/metaconform-nova); services listen on 127.0.0.1 only. A second run reuses the
# installed packages, config, databases and running services, and resets the fixtures.
# Progress and per-phase timings go to stderr.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

[[ $(id -u) -eq 0 ]] || die "must run as root (installs Debian packages)"
[[ -r /etc/debian_version ]] || die "needs Debian (12, bookworm)"
command -v apt-get >/dev/null || die "apt-get not found"
mkdir -p "$STATE" "$ETC/nova" "$ETC/glance" "$DB" "$LOGS" "$RUN" "$STATE/python" "$STATE/nova/lock" \
  "$STATE"/glance/{images,staging,tasks,lock}
START=$(now)

# --- 1. packages --------------------------------------------------------------------------------------
t=$(now)
PACKAGES=(python3-nova python3-glance python3-glance-store uwsgi-core uwsgi-plugin-python3 sqlite3 curl)
SERVICE_PACKAGES=(nova-common nova-api glance-common glance-api)
if [[ ! -x /usr/sbin/policy-rc.d ]]; then
  # keeps any package from starting a service while installing
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  say "installed /usr/sbin/policy-rc.d (exit 101: packages start no services)"
fi
if dpkg-query -W -f='${db:Status-Status}\n' "${PACKAGES[@]}" 2>/dev/null | grep -qvx installed \
  || [[ $(dpkg-query -W -f='${db:Status-Status}\n' "${PACKAGES[@]}" 2>/dev/null | wc -l) -ne ${#PACKAGES[@]} ]]; then
  say "installing ${PACKAGES[*]} (a few minutes on a fresh machine)"
  apt-get update -q >"$LOGS/apt.log" 2>&1 || { tail -20 "$LOGS/apt.log" >&2; die "apt-get update failed"; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${PACKAGES[@]}" >>"$LOGS/apt.log" 2>&1 \
    || { tail -20 "$LOGS/apt.log" >&2; die "apt-get install failed (log: $LOGS/apt.log)"; }
else
  say "packages already installed: $(dpkg-query -W -f='${Version}' python3-nova) python3-nova"
fi
# The service packages run dbconfig/systemd steps when installed; only their files are needed
# (nova-manage, nova-api-wsgi, api-paste.ini, glance-manage, glance-api, glance-api-paste.ini).
NOVA_VERSION=$(dpkg-query -W -f='${Version}' python3-nova)
if [[ "$(cat "$SCRATCH/.unpacked" 2>/dev/null)" != "$NOVA_VERSION" ]]; then
  say "unpacking ${SERVICE_PACKAGES[*]} into $SCRATCH (not installed)"
  rm -rf "$SCRATCH" "$STATE/debs"
  mkdir -p "$SCRATCH" "$STATE/debs"
  (cd "$STATE/debs" && apt-get download "${SERVICE_PACKAGES[@]}" >>"$LOGS/apt.log" 2>&1) \
    || { apt-get update -q >>"$LOGS/apt.log" 2>&1 && (cd "$STATE/debs" && apt-get download "${SERVICE_PACKAGES[@]}" >>"$LOGS/apt.log" 2>&1); } \
    || die "apt-get download ${SERVICE_PACKAGES[*]} failed (log: $LOGS/apt.log)"
  for deb in "$STATE"/debs/*.deb; do dpkg-deb -x "$deb" "$SCRATCH"; done
  echo "$NOVA_VERSION" > "$SCRATCH/.unpacked"
fi
for f in usr/bin/nova-manage usr/bin/nova-api-wsgi usr/share/nova-common/api-paste.ini \
  usr/bin/glance-manage usr/bin/glance-api usr/share/glance-common/glance-api-paste.ini; do
  [[ -e "$SCRATCH/$f" ]] || die "$f is missing from the unpacked service packages"
done
phase_end packages "$t"

# --- 2. configuration ---------------------------------------------------------------------------------
t=$(now)
CHANGED=()
# install_file SRC DEST: copies when different; records what changed (a running service is restarted).
install_file() {
  if ! cmp -s "$1" "$2"; then cp "$1" "$2"; CHANGED+=("$2"); fi
}
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
source "$HERE/lib/config.sh"
write_configs "$TMP"
install_file "$TMP/nova.conf" "$ETC/nova/nova.conf"
install_file "$TMP/api-paste.ini" "$ETC/nova/api-paste.ini"
install_file "$TMP/nova-api-uwsgi.ini" "$ETC/nova/nova-api-uwsgi.ini"
install_file "$TMP/glance-api.conf" "$ETC/glance/glance-api.conf"
install_file "$TMP/glance-api-paste.ini" "$ETC/glance/glance-api-paste.ini"
install_file "$TMP/glance-policy.yaml" "$ETC/glance/policy.yaml"
install_file "$HERE/py/metaconform_token_filter.py" "$STATE/python/metaconform_token_filter.py"
install_file "$HERE/py/neutron_stub.py" "$STATE/python/neutron_stub.py"
if ((${#CHANGED[@]})); then say "config written: ${CHANGED[*]#"$STATE/"}"; else say "config unchanged"; fi

# Databases: sync once; the stamp records that every sync finished for this Nova version.
NOVA_MANAGE=("$PY" "$SCRATCH/usr/bin/nova-manage" --config-file "$ETC/nova/nova.conf")
DBS=("$DB/nova_api.sqlite" "$DB/nova_cell0.sqlite" "$DB/nova_cell1.sqlite" "$DB/glance.sqlite")
stamp_ok=1
[[ "$(cat "$DB/.synced" 2>/dev/null)" == "$NOVA_VERSION" ]] || stamp_ok=0
for f in "${DBS[@]}"; do [[ -s "$f" ]] || stamp_ok=0; done
if ((stamp_ok)); then
  say "databases already synced"
else
  rm -f "$DB/.synced"
  # run_logged WHAT OKCODES COMMAND...: runs COMMAND into the sync log; an exit status outside OKCODES is fatal
  run_logged() {
    local what=$1 ok=$2 s rc=0; shift 2; s=$(now)
    "$@" >>"$LOGS/db-sync.log" 2>&1 || rc=$?
    [[ " $ok " == *" $rc "* ]] || { tail -30 "$LOGS/db-sync.log" >&2; die "$what failed with status $rc (log: $LOGS/db-sync.log)"; }
    say "  $what ($(awk -v a="$s" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}')s)"
  }
  say "syncing databases (sqlite)"
  # Glance's database is independent of Nova's: synced alongside
  run_logged "glance-manage db_sync" 0 "$PY" "$SCRATCH/usr/bin/glance-manage" --config-file "$ETC/glance/glance-api.conf" db_sync &
  glance_sync=$!
  run_logged "nova-manage api_db sync" 0 "${NOVA_MANAGE[@]}" api_db sync
  # 0 also when cell0 is already mapped
  run_logged "nova-manage cell_v2 map_cell0" 0 "${NOVA_MANAGE[@]}" cell_v2 map_cell0 --database_connection "sqlite:///$DB/nova_cell0.sqlite"
  # 2: a cell with this database and transport already exists (an earlier, interrupted run)
  run_logged "nova-manage cell_v2 create_cell cell1" "0 2" "${NOVA_MANAGE[@]}" cell_v2 create_cell --name cell1 \
    --database_connection "sqlite:///$DB/nova_cell1.sqlite" --transport-url fake:/
  # syncs cell1 ([database]) and the mapped cell0
  run_logged "nova-manage db sync" 0 "${NOVA_MANAGE[@]}" db sync
  wait "$glance_sync" || die "glance-manage db_sync failed (log: $LOGS/db-sync.log)"
  echo "$NOVA_VERSION" > "$DB/.synced"
fi
phase_end "config + DB sync" "$t"

# --- 3. services --------------------------------------------------------------------------------------
t=$(now)
source "$HERE/lib/services.sh"
for f in "${CHANGED[@]}"; do
  case "$f" in
    "$ETC"/nova/*|"$STATE"/python/metaconform_token_filter.py) stop_service nova-api ;;
    "$ETC"/glance/*) stop_service glance-api ;;
    "$STATE"/python/neutron_stub.py) stop_service neutron-stub ;;
  esac
done
start_service glance-api "$PY" "$SCRATCH/usr/bin/glance-api" --config-file "$ETC/glance/glance-api.conf"
start_service nova-api /usr/bin/uwsgi --ini "$ETC/nova/nova-api-uwsgi.ini"
if [[ "${METACONFORM_NOVA_NEUTRON_STUB:-0}" == 1 ]]; then
  start_service neutron-stub "$PY" "$STATE/python/neutron_stub.py" "$NEUTRON_PORT"
fi
wait_http glance-api "http://127.0.0.1:$GLANCE_PORT/versions" 120
wait_http nova-api "http://127.0.0.1:$NOVA_PORT/v2.1/" 180
[[ "${METACONFORM_NOVA_NEUTRON_STUB:-0}" == 1 ]] && wait_http neutron-stub "http://127.0.0.1:$NEUTRON_PORT/v2.0/ports" 30
phase_end services "$t"

# --- 4. fixtures --------------------------------------------------------------------------------------
t=$(now)
: > "$LOGS/fixtures.log"
out=$("$PY" "$HERE/py/server_fixtures.py" --config-file "$ETC/nova/nova.conf" \
  --project "$PROJECT_ID" --user "$USER_ID" --server "$SERVER_ID" --error-server "$ERROR_SERVER_ID" \
  --unlaunched-server "$UNLAUNCHED_SERVER_ID" --other-project "$OTHER_PROJECT_ID" --other-project-server "$OTHER_PROJECT_SERVER_ID" 2>>"$LOGS/fixtures.log") \
  || { tail -30 "$LOGS/fixtures.log" >&2; die "server fixtures failed (log: $LOGS/fixtures.log)"; }
while read -r line; do say "$line"; done <<<"$out"
out=$("$PY" "$HERE/py/image_fixture.py" --glance "http://127.0.0.1:$GLANCE_PORT" --image "$IMAGE_ID" 2>>"$LOGS/fixtures.log") \
  || { tail -30 "$LOGS/fixtures.log" >&2; die "image fixture failed (log: $LOGS/fixtures.log)"; }
say "$out"
# the suite's view of them, through Nova itself
TOKEN="$USER_ID:$PROJECT_ID"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Auth-Token: $TOKEN" "http://127.0.0.1:$NOVA_PORT/v2.1/$PROJECT_ID/servers/$SERVER_ID/metadata")
[[ "$code" == 200 ]] || die "Nova answers $code for the fixture server's metadata (expected 200)"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Auth-Token: $TOKEN" "http://127.0.0.1:$NOVA_PORT/v2.1/$PROJECT_ID/images/$IMAGE_ID/metadata")
[[ "$code" == 200 ]] || die "Nova answers $code for the fixture image's metadata (expected 200)"
phase_end fixtures "$t"

# uwsgi's http11-socket ties a worker process to a kept-alive connection; the suite's bound on requests in
# flight adapts to it by itself (lib/http/limit.ts), so nothing is set here
cat > "$STATE/env" <<EOF
export METACONFORM_COMPUTE_URL=http://127.0.0.1:$NOVA_PORT/v2.1
export OS_TOKEN=$TOKEN
export OS_PROJECT_ID=$PROJECT_ID
export METACONFORM_SERVER_ID=$SERVER_ID
export METACONFORM_ERROR_SERVER_ID=$ERROR_SERVER_ID
export METACONFORM_UNLAUNCHED_SERVER_ID=$UNLAUNCHED_SERVER_ID
export METACONFORM_OTHER_PROJECT_SERVER_ID=$OTHER_PROJECT_SERVER_ID
export METACONFORM_IMAGE_ID=$IMAGE_ID
export METACONFORM_PROFILE=nova
EOF
chmod 600 "$STATE/env"
total=$(awk -v a="$START" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
echo "$total" > "$STATE/last-setup-seconds"
say "ready in ${total}s ($(IFS=';'; echo "${PHASES[*]}" | sed 's/;/, /g')); settings also in $STATE/env"
say "stop with: bash $HERE/down.sh"
cat "$STATE/env"
