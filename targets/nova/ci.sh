#!/usr/bin/env bash
# CI job: stands upstream Nova up (up.sh), runs the conformance suites against it with the nova profile,
# prints the target's setup time and the conformance run's wall time, stops the target (down.sh) and exits
# with the conformance run's status (0 conformant, 1 non-conformant, 2 usage, 3 no verdict; 3 as well
# when the target could not be stood up), then the differential and a seeded explore (exit 4 on a divergence
# from the reference model). Needs root on Debian 12; about 5 minutes on a fresh machine.
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

# explore: random sequences of operations on both bases compared with the reference model after every step
# (SM-SEQ-001); a fixed seed, so that a divergence is replayed exactly (exit 4 when Nova and the model differ)
started=$(date +%s.%N)
timeout 900 node bin/metaconform.mjs explore --seed 20261201 --requests 300 --results-dir results/nova-explore
explore_status=$?
explore_run=$(secs "$started")
((explore_status == 124)) && { echo "ci: explore timed out" >&2; explore_status=3; }

echo "ci: nova target setup ${setup}s; conformance run ${run}s (wall), exit status ${status}; differential ${diff_run}s, exit status ${diff_status}; explore ${explore_run}s, exit status ${explore_status}"
((status != 0)) && exit "$status"
((diff_status != 0)) && exit "$diff_status"
exit "$explore_status"
