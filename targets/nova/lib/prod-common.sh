# Settings and helpers of the production-shaped Nova target (prod-up.sh, prod-down.sh; sourced, not run).
# Reuses common.sh's helpers; everything this target writes or starts lives under its own state folder,
# and it listens on ports of its own, so it can run beside the noauth2 target (up.sh).

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

STATE="${METACONFORM_NOVA_PROD_STATE:-/var/tmp/metaconform-nova-prod}"
SCRATCH="$STATE/pkgroot"        # service packages unpacked here (dpkg-deb -x), never installed
ETC="$STATE/etc"
DB="$STATE/db"                  # MariaDB's data directory
LOGS="$STATE/logs"
RUN="$STATE/run"                # PID files, MariaDB's socket
SECRETS="$STATE/secrets"        # generated passwords (mode 700)
MYSQL_SOCK="$RUN/mysqld/mysqld.sock"   # MariaDB listens on this socket only

# Ports (127.0.0.1 only), none shared with the noauth2 target (8774/9292/9696)
KEYSTONE_PORT=${METACONFORM_PROD_KEYSTONE_PORT:-15000}
NOVA_PORT=${METACONFORM_PROD_NOVA_PORT:-18774}               # nova-api as Debian's init script serves it (--http-socket)
NOVA_HTTP11_PORT=${METACONFORM_PROD_NOVA_HTTP11_PORT:-18775} # nova-api, uwsgi http11-socket (as up.sh)
PLACEMENT_PORT=${METACONFORM_PROD_PLACEMENT_PORT:-18778}
GLANCE_PORT=${METACONFORM_PROD_GLANCE_PORT:-19292}
NEUTRON_PORT=${METACONFORM_PROD_NEUTRON_PORT:-19696}
AMQP_PORT=${METACONFORM_PROD_AMQP_PORT:-15682}
RABBIT_DIST_PORT=${METACONFORM_PROD_RABBIT_DIST_PORT:-15683}
EPMD_PORT=${METACONFORM_PROD_EPMD_PORT:-15369}

# nova-api (a)'s processes: Debian's nova-api-uwsgi.ini says 16 ("for max perf, number of cores * 2")
NOVA_API_PROCESSES=${METACONFORM_PROD_NOVA_API_PROCESSES:-16}

REGION=RegionOne
COMPUTE_HOST=metaconform-prod   # nova-compute's host name ([DEFAULT] host)
# Fixed ids of the fixture images, so a second run finds (and resets) the same ones
IMAGE_ID=6d657461-636f-4e66-8f72-700000000003        # public, properties for the image-metadata proxy
BOOT_IMAGE_ID=6d657461-636f-4e66-8f72-700000000006   # tiny bootable image (the fake driver boots anything)
FLAVOR_ID=metaconform-64                              # 1 vCPU, 64 MB, 1 GB disk

# Order matters: started in this order, stopped in the reverse one
SERVICES=(mariadb epmd rabbitmq keystone placement glance-api neutron-stub nova-conductor nova-scheduler
  nova-compute nova-api nova-api-http11)

say() { printf '%s\n' "nova-prod: $*" >&2; }

# secret NAME: a random password kept in the state folder (the same one on every run)
secret() {
  local f="$SECRETS/$1"
  if [[ ! -s "$f" ]]; then
    (umask 077; mkdir -p "$SECRETS"; head -c 18 /dev/urandom | base64 | tr '+/' 'xy' > "$f")
  fi
  cat "$f"
}
