#!/usr/bin/env bash
# CI job: stands upstream Nova up (up.sh), runs the conformance suites against it with the nova profile,
# prints the target's setup time and the conformance run's wall time, stops the target (down.sh) and exits
# with the conformance run's status (0 conformant, 1 non-conformant, 2 usage, 3 no verdict; 3 as well
# when the target could not be stood up). Needs root on Debian 12; about 5 minutes on a fresh machine.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
secs() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

[[ -d node_modules ]] || npm ci --no-audit --no-fund || exit 3
trap 'bash targets/nova/down.sh' EXIT

started=$(date +%s.%N)
if ! settings=$(timeout 900 bash targets/nova/up.sh); then
  echo "ci: the Nova target could not be stood up (after $(secs "$started")s); see the lines above" >&2
  exit 3
fi
setup=$(secs "$started")
eval "$settings"
export METACONFORM_PROFILE=nova

started=$(date +%s.%N)
timeout 900 npm run conformance
status=$?
run=$(secs "$started")
((status == 124)) && { echo "ci: the conformance run timed out" >&2; status=3; }

# The differential: Nova's answers to the recorded ground-truth cases (differential/cases.json). The same
# cases are compared with the embedded reference in npm test, so together they check reference ≈ Nova.
started=$(date +%s.%N)
timeout 900 npm run differential
diff_status=$?
diff_run=$(secs "$started")
((diff_status == 124)) && { echo "ci: the differential timed out" >&2; diff_status=3; }

echo "ci: nova target setup ${setup}s; conformance run ${run}s (wall), exit status ${status}; differential ${diff_run}s, exit status ${diff_status}"
((status != 0)) && exit "$status"
exit "$diff_status"
