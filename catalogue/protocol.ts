import type { Behaviour } from './types.ts';

const P = 'Protocol' as const;

/** Cross-cutting behaviours: error envelope, headers, versions. */
export const protocol: readonly Behaviour[] = [
  {
    id: 'SM-ERR-001',
    rule: 'An error produced by the API MUST be {"<faultName>": {"code": <HTTP status>, "message": <string>}} with the fault name of its status.',
    source: ['nova/api/openstack/wsgi.py:Fault', 'api-guide/source/faults.rst'],
    epic: P, feature: 'errors', level: 'required', tags: ['negative'],
  },
  {
    id: 'SM-HDR-001',
    rule: 'Every response MUST carry the profile\'s request-id headers (x-compute-request-id; x-openstack-request-id for nova) with a req-<uuid> value.',
    source: ['nova/api/compute_req_id.py', 'oslo.middleware request_id.py', 'seeds/002_3ded3440ffba0367.txt'],
    epic: P, feature: 'headers', level: 'required', tags: ['headers'],
  },
];
