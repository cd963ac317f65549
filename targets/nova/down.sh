#!/usr/bin/env bash
# Stops what targets/nova/up.sh started (nova-api, glance-api, the neutron stub), by the PIDs it recorded
# in the state folder; never by process name. Installed packages, config, databases and the state folder
# stay, so the next up.sh is quick. Prints what it stopped on stderr.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$HERE/lib/services.sh"

if [[ ! -d "$RUN" ]]; then say "nothing to stop (no $RUN)"; exit 0; fi
stopped=0
for name in nova-api glance-api neutron-stub; do
  if [[ -e "$RUN/$name.pid" ]]; then stop_service "$name"; stopped=$((stopped + 1)); fi
done
((stopped)) || say "nothing was running"
say "state kept in $STATE (remove it to start from scratch)"
