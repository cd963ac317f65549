import { nova } from './sources.ts';
import type { Behaviour } from './types.ts';

/**
 * Behaviours of sequences of operations, judged by `metaconform explore` (not by the conformance run: a full
 * run reports them untested). The suites test each operation from a seeded state; explore sends random sequences
 * of them and compares every answer and the stored set with the reference model after every step.
 */
export const sequences: readonly Behaviour[] = [
  {
    id: 'SM-SEQ-001',
    rule: 'Any sequence of the documented operations (list, show, replace-all, merge, set item, delete item, on every API base of the profile, over maps of every size up to the quota, mixed with invalid requests whose answers the catalogue fixes) SHOULD answer and store as the reference does: after every step the status, the fault name, the map answered and the stored set equal the reference model\'s under the same profile.',
    // the reference model's answers are Nova's: reference/ is checked against the recorded answers of differential/cases.json
    source: [
      nova('nova/api/openstack/compute/server_metadata.py', 'ServerMetadataController'),
      nova('nova/compute/api.py', 'API.update_instance_metadata'),
      nova('nova/db/main/api.py', 'instance_metadata_update'),
    ],
    epic: 'Server metadata', feature: 'sequences', level: 'advisory', tags: ['core', 'sequences', 'explore'],
  },
];
