# The production-shaped target's configuration (sourced by prod-up.sh). write_prod_configs DIR writes every
# file into DIR; prod-up.sh installs the ones that changed (and restarts the services they belong to).
# Paths point into the state folder; nothing is written under /etc. Passwords come from secret().

# db_url USER DBNAME: an SQLAlchemy URL as the services' install guides write it, over MariaDB's unix socket,
# with ?charset=utf8 (MariaDB's 3-byte utf8, as Nova documents and devstack configures)
db_url() { echo "mysql+pymysql://$1:$(secret "db-$1")@localhost/$2?unix_socket=$MYSQL_SOCK&charset=utf8"; }

# authtoken SERVICE_USER: the [keystone_authtoken] section of a service that checks tokens with Keystone
authtoken() {
  cat <<EOF
[keystone_authtoken]
www_authenticate_uri = http://127.0.0.1:$KEYSTONE_PORT
auth_url = http://127.0.0.1:$KEYSTONE_PORT
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = $1
password = $(secret "keystone-$1")
region_name = $REGION
EOF
}

# service_auth USER: keystoneauth options for calling another service as a service user
service_auth() {
  cat <<EOF
auth_type = password
auth_url = http://127.0.0.1:$KEYSTONE_PORT
project_domain_name = Default
user_domain_name = Default
project_name = service
username = $1
password = $(secret "keystone-$1")
region_name = $REGION
EOF
}

# uwsgi_debian_ini NAME DEBIAN_INI APP PROCESSES THREADS: Debian's uwsgi ini for a service with only the
# deployment-specific lines changed: no uid/gid switch (everything here runs as root), the log, chdir and
# WSGI file in the state folder, and the number of processes/threads (Debian's 8 × 32 are for real servers)
uwsgi_debian_ini() {
  local name=$1 ini=$2 app=$3 processes=$4 threads=$5
  sed -E -e '/^(uid|gid|apparmor-profile) *=/d' -e 's/^plugins = python3,apparmor$/plugins = python3/' \
    -e "s#^logto = .*#logto = $LOGS/$name.log#" -e "s#^chdir = .*#chdir = $STATE/$name#" \
    -e "s#^wsgi-file = .*#wsgi-file = $app#" \
    -e "s#^processes = .*#processes = $processes#" -e "s#^threads = .*#threads = $threads#" "$ini"
}

write_prod_configs() {
  local out=$1
  mkdir -p "$out"/{mysql,rabbitmq,keystone,placement,glance,nova}

  # --- MariaDB: Debian's character set settings (50-server.cnf), data and socket in the state folder,
  # no TCP at all
  cat > "$out/mysql/my.cnf" <<EOF
[mysqld]
user = mysql
datadir = $DB
socket = $MYSQL_SOCK
pid-file = $RUN/mysqld/mysqld.pid
log-error = $LOGS/mariadb/error.log
skip-networking
skip-name-resolve
character-set-server = utf8mb4
collation-server = utf8mb4_general_ci
max_connections = 500
innodb_buffer_pool_size = 256M
# a test machine: commits are flushed once a second, not at each commit (no effect on answers)
innodb_flush_log_at_trx_commit = 2

[client]
socket = $MYSQL_SOCK
EOF

  # --- RabbitMQ: listener, distribution port and epmd on loopback only
  cat > "$out/rabbitmq/rabbitmq.conf" <<EOF
listeners.tcp.default = 127.0.0.1:$AMQP_PORT
distribution.listener.interface = 127.0.0.1
distribution.listener.port_range.min = $RABBIT_DIST_PORT
distribution.listener.port_range.max = $RABBIT_DIST_PORT
default_user = nova
default_pass = $(secret rabbit-nova)
default_vhost = /
loopback_users.guest = true
log.console = true
log.console.level = info
log.file = false
EOF
  echo '[].' > "$out/rabbitmq/enabled_plugins"
  cat > "$out/rabbitmq/env" <<EOF
RABBITMQ_CONFIG_FILE=$ETC/rabbitmq/rabbitmq.conf
RABBITMQ_ENABLED_PLUGINS_FILE=$ETC/rabbitmq/enabled_plugins
RABBITMQ_MNESIA_BASE=$STATE/rabbitmq/mnesia
RABBITMQ_LOG_BASE=$LOGS
RABBITMQ_NODENAME=metaconform@localhost
RABBITMQ_PID_FILE=$RUN/rabbitmq-beam.pid
ERL_EPMD_ADDRESS=127.0.0.1
ERL_EPMD_PORT=$EPMD_PORT
HOME=$STATE/rabbitmq
EOF

  # --- Keystone
  cat > "$out/keystone/keystone.conf" <<EOF
[DEFAULT]
use_stderr = true

[database]
connection = $(db_url keystone keystone)

[token]
provider = fernet

[fernet_tokens]
key_repository = $STATE/keystone/fernet-keys

[fernet_receipts]
key_repository = $STATE/keystone/fernet-keys

[credential]
key_repository = $STATE/keystone/credential-keys

[identity]
# bcrypt's least cost, as devstack: otherwise every password login is CPU-bound on 2 cores
password_hash_rounds = 4

[oslo_concurrency]
lock_path = $STATE/keystone/lock
EOF
  uwsgi_debian_ini keystone "$SCRATCH/etc/keystone/keystone-uwsgi.ini" /usr/bin/keystone-wsgi-public 2 8 > "$out/keystone/keystone-uwsgi.ini"
  cat >> "$out/keystone/keystone-uwsgi.ini" <<EOF
env = OS_KEYSTONE_CONFIG_DIR=$ETC/keystone
EOF

  # --- Placement
  cat > "$out/placement/placement.conf" <<EOF
[DEFAULT]
use_stderr = true

[placement_database]
connection = $(db_url placement placement)

[api]
auth_strategy = keystone

$(authtoken placement)
EOF
  uwsgi_debian_ini placement "$SCRATCH/etc/placement/placement-api-uwsgi.ini" /usr/bin/placement-api 2 4 > "$out/placement/placement-api-uwsgi.ini"
  cat >> "$out/placement/placement-api-uwsgi.ini" <<EOF
env = OS_PLACEMENT_CONFIG_DIR=$ETC/placement
EOF

  # --- Glance (Debian runs glance-api as its own eventlet server, not under uwsgi)
  cat > "$out/glance/glance-api.conf" <<EOF
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $GLANCE_PORT
workers = 1
enabled_backends = fs:file
use_stderr = true

[database]
connection = $(db_url glance glance)

$(authtoken glance)

[paste_deploy]
flavor = keystone
config_file = $ETC/glance/glance-api-paste.ini

[glance_store]
default_backend = fs

[fs]
filesystem_store_datadir = $STATE/glance/images

[os_glance_staging_store]
filesystem_store_datadir = $STATE/glance/staging

[os_glance_tasks_store]
filesystem_store_datadir = $STATE/glance/tasks

[oslo_concurrency]
lock_path = $STATE/glance/lock
EOF
  sed -e "s#/etc/glance/healthcheck_disable#$STATE/glance/healthcheck_disable#" \
    "$SCRATCH/usr/share/glance-common/glance-api-paste.ini" > "$out/glance/glance-api-paste.ini"

  # --- Nova (one nova.conf for every Nova service)
  cat > "$out/nova/nova.conf" <<EOF
[DEFAULT]
host = $COMPUTE_HOST
my_ip = 127.0.0.1
state_path = $STATE/nova
instances_path = $STATE/nova/instances
transport_url = rabbit://nova:$(secret rabbit-nova)@127.0.0.1:$AMQP_PORT/
compute_driver = fake.FakeDriver
use_stderr = true

[api]
auth_strategy = keystone

[api_database]
connection = $(db_url nova nova_api)

[database]
connection = $(db_url nova nova)

$(authtoken nova)

[oslo_policy]
# Zed keeps the legacy rules unless told: only the new defaults refuse a reader's metadata writes
enforce_new_defaults = True
enforce_scope = True

[conductor]
workers = 1

[scheduler]
workers = 1
# hosts are mapped by prod-up.sh (nova-manage cell_v2 discover_hosts)
discover_hosts_in_cells_interval = -1

[placement]
$(service_auth placement)
valid_interfaces = internal,public

[glance]
valid_interfaces = internal,public
region_name = $REGION

[neutron]
# a stub answering empty lists: servers are booted with "networks": "none"
endpoint_override = http://127.0.0.1:$NEUTRON_PORT
$(service_auth nova)

[vnc]
enabled = false

[oslo_concurrency]
lock_path = $STATE/nova/lock

[oslo_messaging_rabbit]
heartbeat_timeout_threshold = 60

[wsgi]
api_paste_config = $ETC/nova/api-paste.ini
EOF
  sed -e "s#/etc/nova/healthcheck_disable#$STATE/nova/healthcheck_disable#" \
    "$SCRATCH/usr/share/nova-common/api-paste.ini" > "$out/nova/api-paste.ini"

  # (a) nova-api as Debian's init script runs it: uwsgi_python3* --http-socket IP:PORT --ini nova-api-uwsgi.ini,
  # with Debian's ini unchanged but for paths (16 processes unless METACONFORM_PROD_NOVA_API_PROCESSES says
# otherwise, rem-header = Content-Length, lazy-apps, ...)
  uwsgi_debian_ini nova-api "$SCRATCH/etc/nova/nova-api-uwsgi.ini" "$SCRATCH/usr/bin/nova-api-wsgi" "$NOVA_API_PROCESSES" 1 > "$out/nova/nova-api-uwsgi.ini"
  cat >> "$out/nova/nova-api-uwsgi.ini" <<EOF
env = OS_NOVA_CONFIG_DIR=$ETC/nova
EOF
  # (b) nova-api as up.sh serves it: http11-socket, 2 single-threaded processes
  cat > "$out/nova/nova-api-http11-uwsgi.ini" <<EOF
[uwsgi]
plugins = python3
http11-socket = 127.0.0.1:$NOVA_HTTP11_PORT
wsgi-file = $SCRATCH/usr/bin/nova-api-wsgi
env = OS_NOVA_CONFIG_DIR=$ETC/nova
chdir = $STATE/nova
master = true
processes = 2
threads = 1
enable-threads = true
thunder-lock = true
lazy-apps = true
buffer-size = 65535
no-orphans = true
die-on-term = true
EOF
}
