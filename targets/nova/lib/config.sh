# The target's configuration (sourced by up.sh). write_configs DIR writes every file into DIR; up.sh
# installs the ones that changed. Paths point into the state folder; nothing is written under /etc.

write_configs() {
  local out=$1
  cat > "$out/nova.conf" <<EOF
[DEFAULT]
host = metaconform-nova
my_ip = 127.0.0.1
state_path = $STATE/nova
# In Zed a metadata write makes no RPC call: no message broker
transport_url = fake:/

[api]
auth_strategy = noauth2

[api_database]
connection = sqlite:///$DB/nova_api.sqlite

[database]
connection = sqlite:///$DB/nova_cell1.sqlite

[oslo_messaging_notifications]
driver = noop

[oslo_concurrency]
lock_path = $STATE/nova/lock

[wsgi]
api_paste_config = $ETC/nova/api-paste.ini

[glance]
api_servers = http://127.0.0.1:$GLANCE_PORT

[neutron]
endpoint_override = http://127.0.0.1:$NEUTRON_PORT
auth_type = none
EOF

  # Debian's own api-paste.ini, with one filter added right after noauth2 in both API pipelines
  # (/v2.1 and the legacy /v2 one): it copies X-Auth-Token into the request context (see the filter).
  sed -e 's/ noauth2 osapi_compute_app_v21$/ noauth2 metaconform_token osapi_compute_app_v21/' \
      -e 's/ noauth2 legacy_v2_compatible osapi_compute_app_v21$/ noauth2 metaconform_token legacy_v2_compatible osapi_compute_app_v21/' \
      -e "s#/etc/nova/healthcheck_disable#$STATE/nova/healthcheck_disable#" \
      "$SCRATCH/usr/share/nova-common/api-paste.ini" > "$out/api-paste.ini"
  cat >> "$out/api-paste.ini" <<'EOF'

# metaconform: local bridge for noauth2 (python module in the state folder's python/ directory)
[filter:metaconform_token]
paste.filter_factory = metaconform_token_filter:filter_factory
EOF
  [[ $(grep -c ' noauth2 metaconform_token ' "$out/api-paste.ini") -eq 2 ]] \
    || die "Debian's api-paste.ini does not have the expected two noauth2 pipelines"

  cat > "$out/nova-api-uwsgi.ini" <<EOF
[uwsgi]
plugins = python3
http11-socket = 127.0.0.1:$NOVA_PORT
wsgi-file = $SCRATCH/usr/bin/nova-api-wsgi
env = OS_NOVA_CONFIG_DIR=$ETC/nova
pythonpath = $STATE/python
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

  cat > "$out/glance-api.conf" <<EOF
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $GLANCE_PORT
workers = 1
enabled_backends = fs:file

[database]
connection = sqlite:///$DB/glance.sqlite

[paste_deploy]
# empty flavor: the keystone-less pipeline (unauthenticated-context)
flavor =
config_file = $ETC/glance/glance-api-paste.ini

[glance_store]
default_backend = fs

[fs]
filesystem_store_datadir = $STATE/glance/images

[os_glance_staging_store]
filesystem_store_datadir = $STATE/glance/staging

[os_glance_tasks_store]
filesystem_store_datadir = $STATE/glance/tasks

[oslo_policy]
policy_file = $ETC/glance/policy.yaml

[oslo_concurrency]
lock_path = $STATE/glance/lock
EOF
  sed -e "s#/etc/glance/healthcheck_disable#$STATE/glance/healthcheck_disable#" \
    "$SCRATCH/usr/share/glance-common/glance-api-paste.ini" > "$out/glance-api-paste.ini"

  # the unauthenticated context has no roles: let it create a public image
  cat > "$out/glance-policy.yaml" <<'EOF'
"publicize_image": ""
EOF
}
