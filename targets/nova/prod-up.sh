#!/usr/bin/env bash
# Stands up a production-shaped upstream OpenStack Nova (Zed 26.2.2) from Debian's packages on this machine:
# MariaDB, RabbitMQ, Keystone (fernet), Placement, Glance, Nova API/conductor/scheduler/compute (fake
# driver), nova-api served twice (Debian's init-script way, --http-socket, 16 processes; and
# http11-socket, 2 processes). Prints the suite's settings as `export` lines on stdout:
#
#   eval "$(bash targets/nova/prod-up.sh)" && npm run conformance; bash targets/nova/prod-down.sh
#
# Needs root on Debian 12. Everything it writes or starts lives under $METACONFORM_NOVA_PROD_STATE
# (default /var/tmp/metaconform-nova-prod); everything listens on 127.0.0.1 only (MariaDB on a unix
# socket only), on ports of its own (see lib/prod-common.sh), so it runs beside up.sh's target.
# A second run reuses the installed packages, databases and running services, and resets the fixtures.
# Progress and per-phase timings go to stderr.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/prod-common.sh"

[[ $(id -u) -eq 0 ]] || die "must run as root (installs Debian packages)"
[[ -r /etc/debian_version ]] || die "needs Debian (12, bookworm)"
command -v apt-get >/dev/null || die "apt-get not found"
mkdir -p "$STATE" "$ETC" "$DB" "$LOGS" "$RUN" "$STATE"/{python,rabbitmq/mnesia,keystone/lock,placement,nova-api,nova/lock,nova/instances} \
  "$STATE"/glance/{images,staging,tasks,lock}
chmod 711 "$STATE"   # MariaDB (user mysql) must reach its folders; secrets/ is 700
START=$(now)
# elapsed START: seconds since START, one decimal
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# --- 1. packages --------------------------------------------------------------------------------------
t=$(now)
PACKAGES=(python3-nova python3-glance python3-glance-store python3-keystone python3-placement python3-pymysql
  python3-pastescript mariadb-server rabbitmq-server uwsgi-core uwsgi-plugin-python3 curl)
# their maintainer scripts would run dbconfig/systemd steps: only their files are used (dpkg-deb -x)
SERVICE_PACKAGES=(nova-common nova-api nova-conductor nova-scheduler nova-compute keystone placement-api glance-common glance-api)
if [[ ! -x /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  say "installed /usr/sbin/policy-rc.d (exit 101: packages start no services)"
fi
if [[ $(dpkg-query -W -f='${db:Status-Status}\n' "${PACKAGES[@]}" 2>/dev/null | grep -cx installed) -ne ${#PACKAGES[@]} ]]; then
  say "installing ${PACKAGES[*]} (minutes on a fresh machine)"
  # an unreachable extra source makes apt-get update fail; Debian's lists are what matters
  apt-get update -q >"$LOGS/apt.log" 2>&1 || say "apt-get update reported errors (log: $LOGS/apt.log); installing anyway"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${PACKAGES[@]}" >>"$LOGS/apt.log" 2>&1 \
    || { tail -20 "$LOGS/apt.log" >&2; die "apt-get install failed (log: $LOGS/apt.log)"; }
else
  say "packages already installed: $(dpkg-query -W -f='${Version}' python3-nova) python3-nova"
fi
NOVA_VERSION=$(dpkg-query -W -f='${Version}' python3-nova)
if [[ "$(cat "$SCRATCH/.unpacked" 2>/dev/null)" != "$NOVA_VERSION ${SERVICE_PACKAGES[*]}" ]]; then
  say "unpacking ${SERVICE_PACKAGES[*]} into $SCRATCH (not installed)"
  rm -rf "$SCRATCH" "$STATE/debs"
  mkdir -p "$SCRATCH" "$STATE/debs"
  (cd "$STATE/debs" && apt-get download "${SERVICE_PACKAGES[@]}" >>"$LOGS/apt.log" 2>&1) \
    || { apt-get update -q >>"$LOGS/apt.log" 2>&1; (cd "$STATE/debs" && apt-get download "${SERVICE_PACKAGES[@]}" >>"$LOGS/apt.log" 2>&1); } \
    || die "apt-get download ${SERVICE_PACKAGES[*]} failed (log: $LOGS/apt.log)"
  for deb in "$STATE"/debs/*.deb; do dpkg-deb -x "$deb" "$SCRATCH"; done
  echo "$NOVA_VERSION ${SERVICE_PACKAGES[*]}" > "$SCRATCH/.unpacked"
fi
for f in usr/bin/nova-manage usr/bin/nova-api-wsgi usr/bin/nova-conductor usr/bin/nova-scheduler usr/bin/nova-compute \
  usr/share/nova-common/api-paste.ini etc/nova/nova-api-uwsgi.ini etc/init.d/nova-api etc/keystone/keystone-uwsgi.ini \
  etc/placement/placement-api-uwsgi.ini usr/bin/glance-manage usr/bin/glance-api usr/share/glance-common/glance-api-paste.ini; do
  [[ -e "$SCRATCH/$f" ]] || die "$f is missing from the unpacked service packages"
done
# the uwsgi binary Debian's init scripts pick (their loop: the last uwsgi_python3* that exists)
UWSGI=
for i in 3 35 36 37 38 39 310 311 312 313 314 315 316 317 318 319; do [[ -x /usr/bin/uwsgi_python$i ]] && UWSGI=/usr/bin/uwsgi_python$i; done
[[ -n "$UWSGI" ]] || die "no /usr/bin/uwsgi_python3* (uwsgi-plugin-python3)"
phase_end packages "$t"

# --- 2. configuration ---------------------------------------------------------------------------------
t=$(now)
CHANGED=()
install_file() { if ! cmp -s "$1" "$2"; then mkdir -p "$(dirname "$2")"; cp "$1" "$2"; CHANGED+=("$2"); fi; }
TMP=$(mktemp -d); trap 'rm -rf "$TMP"' EXIT
source "$HERE/lib/prod-config.sh"
write_prod_configs "$TMP"
for f in $(cd "$TMP" && find . -type f | sort); do install_file "$TMP/${f#./}" "$ETC/${f#./}"; done
install_file "$HERE/py/neutron_stub.py" "$STATE/python/neutron_stub.py"
if ((${#CHANGED[@]})); then say "config written: ${CHANGED[*]#"$STATE/"}"; else say "config unchanged"; fi
phase_end config "$t"

source "$HERE/lib/services.sh"
# a changed file restarts the services that read it
for f in "${CHANGED[@]}"; do
  case "$f" in
    "$ETC"/mysql/*) stop_service mariadb ;;
    "$ETC"/rabbitmq/*) stop_service rabbitmq ;;
    "$ETC"/keystone/*) stop_service keystone ;;
    "$ETC"/placement/*) stop_service placement ;;
    "$ETC"/glance/*) stop_service glance-api ;;
    "$STATE"/python/neutron_stub.py) stop_service neutron-stub ;;
    "$ETC"/nova/nova-api-uwsgi.ini) stop_service nova-api ;;
    "$ETC"/nova/nova-api-http11-uwsgi.ini) stop_service nova-api-http11 ;;
    "$ETC"/nova/*) for s in nova-api nova-api-http11 nova-compute nova-scheduler nova-conductor; do stop_service "$s"; done ;;
  esac
done

# --- 3. MariaDB and RabbitMQ ---------------------------------------------------------------------------
t=$(now)
if [[ ! -d "$DB/mysql" ]]; then
  say "initialising MariaDB's data directory $DB"
  chown mysql:mysql "$DB"
  mariadb-install-db --defaults-file="$ETC/mysql/my.cnf" --auth-root-authentication-method=socket --skip-test-db \
    >"$LOGS/mariadb-install.log" 2>&1 || { tail -20 "$LOGS/mariadb-install.log" >&2; die "mariadb-install-db failed"; }
fi
mkdir -p "$RUN/mysqld" "$LOGS/mariadb"
chown mysql:mysql "$RUN/mysqld" "$LOGS/mariadb"   # MariaDB (user mysql) writes its socket, PID and error log there
start_service mariadb /usr/sbin/mariadbd --defaults-file="$ETC/mysql/my.cnf"
start_service epmd /usr/bin/epmd -address 127.0.0.1 -port "$EPMD_PORT"
start_service rabbitmq env $(cat "$ETC/rabbitmq/env") /usr/lib/rabbitmq/bin/rabbitmq-server
wait_until() {  # wait_until NAME SECONDS COMMAND...: waits until COMMAND succeeds (the service must stay alive)
  local name=$1 limit=$2 s; shift 2; s=$(date +%s)
  until "$@" >/dev/null 2>&1; do
    pid_alive "$RUN/$name.pid" || { tail -30 "$LOGS/$name.log" >&2; die "$name exited (log: $LOGS/$name.log)"; }
    (($(date +%s) - s < limit)) || { tail -30 "$LOGS/$name.log" >&2; die "$name not ready within ${limit}s (log: $LOGS/$name.log)"; }
    sleep 0.5
  done
  say "$name ready after $(($(date +%s) - s))s"
}
wait_until mariadb 120 mariadb-admin --defaults-file="$ETC/mysql/my.cnf" ping
wait_until rabbitmq 180 bash -c "exec 3<>/dev/tcp/127.0.0.1/$AMQP_PORT"
phase_end "mariadb + rabbitmq" "$t"

# --- 4. databases ---------------------------------------------------------------------------------------
t=$(now)
SQL=""
for u in keystone placement glance nova; do
  SQL+="CREATE USER IF NOT EXISTS '$u'@'localhost' IDENTIFIED BY '$(secret "db-$u")'; ALTER USER '$u'@'localhost' IDENTIFIED BY '$(secret "db-$u")';"
done
for pair in keystone:keystone placement:placement glance:glance nova:nova_api nova:nova nova:nova_cell0; do
  SQL+="CREATE DATABASE IF NOT EXISTS ${pair#*:}; GRANT ALL PRIVILEGES ON ${pair#*:}.* TO '${pair%%:*}'@'localhost';"
done
mariadb --defaults-file="$ETC/mysql/my.cnf" -u root -e "$SQL" || die "creating the databases failed"

# run_logged WHAT OKCODES COMMAND...: runs COMMAND into the sync log; an exit status outside OKCODES is fatal
run_logged() {
  local what=$1 ok=$2 s rc=0; shift 2; s=$(now)
  "$@" >>"$LOGS/db-sync.log" 2>&1 || rc=$?
  [[ " $ok " == *" $rc "* ]] || { tail -30 "$LOGS/db-sync.log" >&2; die "$what failed with status $rc (log: $LOGS/db-sync.log)"; }
  say "  $what ($(elapsed "$s")s)"
}
# synced NAME: true when NAME's sync finished for the installed packages (a stamp records it)
synced() { [[ "$(cat "$STATE/.synced-$1" 2>/dev/null)" == "$NOVA_VERSION" ]]; }
mark_synced() { echo "$NOVA_VERSION" > "$STATE/.synced-$1"; }
KEYSTONE_MANAGE=(keystone-manage --config-file "$ETC/keystone/keystone.conf")
jobs_=()
# each service starts as soon as its database is ready (its processes load while the other syncs run)
if ! synced keystone; then
  ( run_logged "keystone-manage db_sync" 0 "${KEYSTONE_MANAGE[@]}" db_sync
    # the key repositories are independent of each other; bootstrap runs after them (side by side with them,
    # it once exited 1 without a word: it is idempotent, so it is also tried a second time)
    run_logged "keystone-manage fernet_setup" 0 "${KEYSTONE_MANAGE[@]}" fernet_setup --keystone-user root --keystone-group root & a=$!
    run_logged "keystone-manage credential_setup" 0 "${KEYSTONE_MANAGE[@]}" credential_setup --keystone-user root --keystone-group root & b=$!
    wait $a && wait $b || exit 1
    bootstrap=("${KEYSTONE_MANAGE[@]}" bootstrap --bootstrap-password "$(secret keystone-admin)" \
      --bootstrap-username admin --bootstrap-project-name admin --bootstrap-role-name admin \
      --bootstrap-service-name keystone --bootstrap-region-id "$REGION" \
      --bootstrap-admin-url "http://127.0.0.1:$KEYSTONE_PORT/v3/" --bootstrap-internal-url "http://127.0.0.1:$KEYSTONE_PORT/v3/" \
      --bootstrap-public-url "http://127.0.0.1:$KEYSTONE_PORT/v3/")
    s=$(now)
    if "${bootstrap[@]}" >>"$LOGS/db-sync.log" 2>&1; then say "  keystone-manage bootstrap ($(elapsed "$s")s)"
    else say "keystone-manage bootstrap exited $?, once more"; sleep 1; run_logged "keystone-manage bootstrap" 0 "${bootstrap[@]}"; fi
    mark_synced keystone
    start_service keystone "$UWSGI" --http-socket "127.0.0.1:$KEYSTONE_PORT" --ini "$ETC/keystone/keystone-uwsgi.ini" ) & jobs_+=($!)
fi
if ! synced placement; then
  ( run_logged "placement-manage db sync" 0 placement-manage --config-file "$ETC/placement/placement.conf" db sync
    mark_synced placement
    start_service placement "$UWSGI" --http-socket "127.0.0.1:$PLACEMENT_PORT" --ini "$ETC/placement/placement-api-uwsgi.ini" ) & jobs_+=($!)
fi
if ! synced glance; then
  ( run_logged "glance-manage db_sync" 0 "$PY" "$SCRATCH/usr/bin/glance-manage" --config-file "$ETC/glance/glance-api.conf" db_sync
    mark_synced glance
    start_service glance-api "$PY" "$SCRATCH/usr/bin/glance-api" --config-file "$ETC/glance/glance-api.conf" ) & jobs_+=($!)
fi
if ! synced nova; then
  # the four nova-manage steps of the install guide, in one process (Nova is imported once)
  "$PY" "$HERE/py/prod_nova_db.py" --config-file "$ETC/nova/nova.conf" --cell0-connection "$(db_url nova nova_cell0)" \
    2>>"$LOGS/db-sync.log" | while IFS= read -r line; do say "$line"; done \
    || { tail -30 "$LOGS/db-sync.log" >&2; die "Nova's database steps failed (log: $LOGS/db-sync.log)"; }
  mark_synced nova
fi
for j in "${jobs_[@]}"; do wait "$j" || die "a database sync failed (log: $LOGS/db-sync.log)"; done
((${#jobs_[@]})) || synced nova && say "databases synced"
phase_end databases "$t"

# nova-api's processes take long to load (Debian's 16, each importing Nova: minutes on 2 busy cores); they
# need only the databases, not Keystone (its middleware calls Keystone at the first request), so they start
# loading now, alongside Keystone and the other services, and are waited for in phase 6
# (a) as Debian's /etc/init.d/nova-api: $DAEMON --http-socket IP:PORT --ini /etc/nova/nova-api-uwsgi.ini
start_service nova-api "$UWSGI" --http-socket "127.0.0.1:$NOVA_PORT" --ini "$ETC/nova/nova-api-uwsgi.ini"
# (b) as up.sh: http11-socket, 2 processes
start_service nova-api-http11 "$UWSGI" --ini "$ETC/nova/nova-api-http11-uwsgi.ini"

# --- 5. Keystone and its content ------------------------------------------------------------------------
t=$(now)
start_service keystone "$UWSGI" --http-socket "127.0.0.1:$KEYSTONE_PORT" --ini "$ETC/keystone/keystone-uwsgi.ini"
wait_http keystone "http://127.0.0.1:$KEYSTONE_PORT/v3" 120
AUTH_URL="http://127.0.0.1:$KEYSTONE_PORT"
COMPUTE_URL="http://127.0.0.1:$NOVA_PORT/v2.1"
HTTP11_URL="http://127.0.0.1:$NOVA_HTTP11_PORT/v2.1"
cat > "$TMP/keystone.json" <<EOF
{"auth_url": "$AUTH_URL", "admin_password": "$(secret keystone-admin)", "region": "$REGION",
 "projects": ["service", "metaconform", "metaconform-other"],
 "users": [
  {"name": "nova", "password": "$(secret keystone-nova)", "project": "service", "role": "admin"},
  {"name": "placement", "password": "$(secret keystone-placement)", "project": "service", "role": "admin"},
  {"name": "glance", "password": "$(secret keystone-glance)", "project": "service", "role": "admin"},
  {"name": "metaconform-member", "password": "$(secret metaconform-member)", "project": "metaconform", "role": "member"},
  {"name": "metaconform-reader", "password": "$(secret metaconform-reader)", "project": "metaconform", "role": "reader"},
  {"name": "metaconform-other", "password": "$(secret metaconform-other)", "project": "metaconform-other", "role": "member"}],
 "services": [
  {"name": "nova", "type": "compute", "url": "$COMPUTE_URL"},
  {"name": "glance", "type": "image", "url": "http://127.0.0.1:$GLANCE_PORT"},
  {"name": "placement", "type": "placement", "url": "http://127.0.0.1:$PLACEMENT_PORT"}],
 "application_credential": {"name": "metaconform-appcred", "user": "metaconform-member", "project": "metaconform",
  "secret": "$(secret appcred)"}}
EOF
# done once per spec: the same spec and its recorded result are reused (the fixtures' logins check it still works)
spec_sum=$(sha256sum "$TMP/keystone.json" | cut -c1-64)
if [[ -s "$STATE/identities.json" && "$(cat "$STATE/.identities-spec" 2>/dev/null)" == "$spec_sum" ]]; then
  IDS=$(cat "$STATE/identities.json")
else
  IDS=$("$PY" "$HERE/py/prod_keystone.py" < "$TMP/keystone.json" 2>>"$LOGS/identities.log") \
    || { tail -20 "$LOGS/identities.log" >&2; die "creating Keystone's content failed (log: $LOGS/identities.log)"; }
  (umask 077; echo "$IDS" > "$STATE/identities.json"; echo "$spec_sum" > "$STATE/.identities-spec")
fi
jq_() { "$PY" -c 'import json,sys; d=json.loads(sys.argv[1]); [d:=d[k] for k in sys.argv[2:]]; print(d)' "$IDS" "$@"; }
PROJECT_ID=$(jq_ projects metaconform)
APPCRED_ID=$(jq_ application_credential_id)
say "keystone: projects, users, roles, catalog and application credential in place (project metaconform = $PROJECT_ID)"
phase_end keystone "$t"

# --- 6. the other services --------------------------------------------------------------------------------
t=$(now)
start_service placement "$UWSGI" --http-socket "127.0.0.1:$PLACEMENT_PORT" --ini "$ETC/placement/placement-api-uwsgi.ini"
start_service glance-api "$PY" "$SCRATCH/usr/bin/glance-api" --config-file "$ETC/glance/glance-api.conf"
start_service neutron-stub "$PY" "$STATE/python/neutron_stub.py" "$NEUTRON_PORT"
for s in nova-conductor nova-scheduler nova-compute; do
  start_service "$s" "$PY" "$SCRATCH/usr/bin/$s" --config-file "$ETC/nova/nova.conf"
done
wait_http placement "http://127.0.0.1:$PLACEMENT_PORT/" 120
wait_http glance-api "http://127.0.0.1:$GLANCE_PORT/versions" 120
wait_http neutron-stub "http://127.0.0.1:$NEUTRON_PORT/v2.0/ports" 30
wait_http nova-api "$COMPUTE_URL/" 600
wait_http nova-api-http11 "$HTTP11_URL/" 600
phase_end services "$t"

# --- 7. the compute host ----------------------------------------------------------------------------------
t=$(now)
sql() { mariadb --defaults-file="$ETC/mysql/my.cnf" -u root -N -B -e "$1"; }
if [[ -e "$STATE/.host-mapped" ]]; then
  say "compute host $COMPUTE_HOST already mapped"
else
  # nova-compute creates its compute node record at its first resource update; then it can be mapped
  s=$(date +%s)
  until [[ "$(sql "SELECT COUNT(*) FROM nova.compute_nodes WHERE host = '$COMPUTE_HOST' AND deleted = 0")" -ge 1 ]]; do
    pid_alive "$RUN/nova-compute.pid" || { tail -30 "$LOGS/nova-compute.log" >&2; die "nova-compute exited"; }
    (($(date +%s) - s < 300)) || { tail -30 "$LOGS/nova-compute.log" >&2; die "nova-compute did not register within 300s"; }
    sleep 1
  done
  say "nova-compute registered $COMPUTE_HOST after $(($(date +%s) - s))s"
  "$PY" "$HERE/py/prod_nova_db.py" --config-file "$ETC/nova/nova.conf" --discover-hosts 2>>"$LOGS/db-sync.log" \
    | while IFS= read -r line; do say "$line"; done || die "nova-manage cell_v2 discover_hosts failed (log: $LOGS/db-sync.log)"
  [[ "$(sql "SELECT COUNT(*) FROM nova_api.host_mappings WHERE host = '$COMPUTE_HOST'")" -ge 1 ]] \
    || die "$COMPUTE_HOST is not mapped to a cell after discover_hosts"
  touch "$STATE/.host-mapped"
fi
phase_end "compute host" "$t"

# --- 8. fixtures ------------------------------------------------------------------------------------------
t=$(now)
cat > "$TMP/fixtures.json" <<EOF
{"auth_url": "$AUTH_URL", "compute": "$COMPUTE_URL", "glance": "http://127.0.0.1:$GLANCE_PORT",
 "flavor": "$FLAVOR_ID", "image": "$IMAGE_ID", "boot_image": "$BOOT_IMAGE_ID", "project_id": "$PROJECT_ID",
 "users": {
  "admin": {"name": "admin", "password": "$(secret keystone-admin)", "project": "admin"},
  "member": {"name": "metaconform-member", "password": "$(secret metaconform-member)", "project": "metaconform"},
  "reader": {"name": "metaconform-reader", "password": "$(secret metaconform-reader)", "project": "metaconform"},
  "other": {"name": "metaconform-other", "password": "$(secret metaconform-other)", "project": "metaconform-other"}},
 "application_credential": {"id": "$APPCRED_ID", "secret": "$(secret appcred)"}}
EOF
: > "$LOGS/fixtures.log"
FIX=$("$PY" "$HERE/py/prod_fixtures.py" --spec "$TMP/fixtures.json" --state "$STATE/fixtures.json" \
  --nova-config "$ETC/nova/nova.conf" 2> >(tee -a "$LOGS/fixtures.log" | sed 's/^/nova-prod: /' >&2)) \
  || { sleep 0.2; die "fixtures failed (log: $LOGS/fixtures.log)"; }
fix_() { "$PY" -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$FIX" "$1"; }
phase_end fixtures "$t"

# --- 9. settings ------------------------------------------------------------------------------------------
# clouds.yaml + secure.yaml (openstacksdk's format; the suite reads them with OS_CLOUD)
cloud() {  # cloud NAME [AUTH_TYPE]: a clouds.yaml entry up to its auth block's auth_url (no secrets)
  printf '  %s:\n    region_name: %s\n    interface: public\n    identity_api_version: 3\n' "$1" "$REGION"
  [[ -z "${2:-}" ]] || printf '    auth_type: %s\n' "$2"
  printf '    auth:\n      auth_url: %s\n' "$AUTH_URL"
}
{
  echo "clouds:"
  cloud metaconform; printf '      username: metaconform-member\n      user_domain_name: Default\n      project_name: metaconform\n      project_domain_name: Default\n'
  cloud metaconform-reader; printf '      username: metaconform-reader\n      user_domain_name: Default\n      project_name: metaconform\n      project_domain_name: Default\n'
  cloud metaconform-appcred v3applicationcredential; printf '      application_credential_id: %s\n' "$APPCRED_ID"
  cloud metaconform-other; printf '      username: metaconform-other\n      user_domain_name: Default\n      project_name: metaconform-other\n      project_domain_name: Default\n'
} > "$STATE/clouds.yaml"
(umask 077; {
  echo "clouds:"
  printf '  metaconform:\n    auth:\n      password: %s\n' "$(secret metaconform-member)"
  printf '  metaconform-reader:\n    auth:\n      password: %s\n' "$(secret metaconform-reader)"
  printf '  metaconform-appcred:\n    auth:\n      application_credential_secret: %s\n' "$(secret appcred)"
  printf '  metaconform-other:\n    auth:\n      password: %s\n' "$(secret metaconform-other)"
} > "$STATE/secure.yaml")

(umask 077; cat > "$STATE/env" <<EOF
export OS_AUTH_URL=$AUTH_URL/v3
export OS_USERNAME=metaconform-member
export OS_PASSWORD=$(secret metaconform-member)
export OS_USER_DOMAIN_NAME=Default
export OS_PROJECT_NAME=metaconform
export OS_PROJECT_DOMAIN_NAME=Default
export OS_REGION_NAME=$REGION
export OS_INTERFACE=public
export METACONFORM_SERVER_ID=$(fix_ server)
export METACONFORM_ERROR_SERVER_ID=$(fix_ error_server)
export METACONFORM_UNLAUNCHED_SERVER_ID=$(fix_ unlaunched_server)
export METACONFORM_OTHER_PROJECT_SERVER_ID=$(fix_ other_project_server)
export METACONFORM_IMAGE_ID=$IMAGE_ID
export METACONFORM_FLAVOR=$FLAVOR_ID
export METACONFORM_BOOT_IMAGE=$BOOT_IMAGE_ID
export METACONFORM_NETWORK=none
export METACONFORM_PROFILE=nova
export METACONFORM_NOVA_HTTP11_URL=$HTTP11_URL
export OS_CLIENT_CONFIG_FILE=$STATE/clouds.yaml
export OS_CLIENT_SECURE_FILE=$STATE/secure.yaml
EOF
)
total=$(elapsed "$START")
echo "$total" > "$STATE/last-setup-seconds"
say "ready in ${total}s ($(IFS=';'; echo "${PHASES[*]}" | sed 's/;/, /g')); settings also in $STATE/env"
say "clouds: metaconform (member), metaconform-reader, metaconform-appcred, metaconform-other (OS_CLOUD=..., with the files above)"
say "stop with: bash $HERE/prod-down.sh"
cat "$STATE/env"
