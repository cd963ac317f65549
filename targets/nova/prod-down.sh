#!/usr/bin/env bash
# Stops what targets/nova/prod-up.sh started, in the reverse order, by the PIDs it recorded in its state
# folder (each service's process group); never by process name. Packages, config, databases, fixtures and
# the state folder stay, so the next prod-up.sh is quick. Prints what it stopped on stderr.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/prod-common.sh"
source "$HERE/lib/services.sh"

if [[ ! -d "$RUN" ]]; then say "nothing to stop (no $RUN)"; exit 0; fi
stopped=0
for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do
  name=${SERVICES[i]}
  if [[ -e "$RUN/$name.pid" ]]; then stop_service "$name"; stopped=$((stopped + 1)); fi
done
((stopped)) || say "nothing was running"
say "state kept in $STATE (remove it to start from scratch)"
