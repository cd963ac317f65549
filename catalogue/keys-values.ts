import type { Behaviour } from './types.ts';

const SM = 'Server metadata' as const;

/** Behaviours of keys and values (SM-KEY-*, SM-VAL-*, SM-URL-005). */
export const keysValues: readonly Behaviour[] = [
  {
    id: 'SM-KEY-001',
    rule: 'A write MUST accept every key that matches the profile key pattern (Nova: ^[a-zA-Z0-9-_:. ]{1,255}$) and store it exactly, and MUST reject any other key with 400 without changing anything.',
    source: ['nova/api/validation/parameter_types.py:metadata', 'nova/api/openstack/compute/schemas/server_metadata.py', 'seeds/003_8e6c7d852b5ec2bf.txt'],
    epic: SM, feature: 'keys', level: 'required', tags: ['negative', 'keys'],
  },
  {
    id: 'SM-KEY-002',
    rule: 'A write with an empty key "" MUST be rejected with 400 and change nothing.',
    source: ['nova/api/validation/parameter_types.py:metadata', 'tempest/api/compute/servers/test_server_metadata_negative.py:test_update_metadata_with_blank_key'],
    epic: SM, feature: 'keys', level: 'required', tags: ['negative', 'keys', 'limits'],
  },
  {
    id: 'SM-KEY-003',
    rule: 'A key of the profile maximum length (Nova: 255 characters) MUST be accepted; one character longer MUST be rejected with 400.',
    source: ['nova/api/validation/parameter_types.py:metadata', 'tempest/api/compute/servers/test_server_metadata_negative.py'],
    epic: SM, feature: 'keys', level: 'required', tags: ['negative', 'keys', 'limits'],
  },
  {
    id: 'SM-KEY-004',
    rule: 'Where the profile key pattern allows spaces (Nova), keys such as "a b", " " and "a " MUST be distinct keys stored without trimming; where it does not, they MUST be rejected with 400.',
    source: ['nova/api/validation/parameter_types.py:metadata', 'seeds/003_8e6c7d852b5ec2bf.txt'],
    epic: SM, feature: 'keys', level: 'required', tags: ['negative', 'keys'],
  },
  {
    id: 'SM-KEY-005',
    rule: 'Keys with non-ASCII characters (e.g. "ключ", "é", CJK, emoji) MUST be rejected with 400 and change nothing.',
    source: ['nova/api/validation/parameter_types.py:metadata'],
    epic: SM, feature: 'keys', level: 'required', tags: ['negative', 'keys'],
  },
  {
    id: 'SM-KEY-006',
    rule: 'A key with one trailing newline ("a\\n") is implementation-defined (Nova\'s Python regex accepts it, an ECMAScript one rejects it): either outcome, consistently applied.',
    source: ['nova/api/validation/validators.py (re.search, $ before a final newline)', '../shared/spec/nova-ground-truth.md'],
    epic: SM, feature: 'keys', level: 'informational', tags: ['keys'],
  },
  {
    id: 'SM-KEY-007',
    rule: 'Keys MUST be case-sensitive for set and get: "A" and "a" coexist and each GET item answers its own value (case-variant DELETE is backend-dependent and not tested).',
    source: ['nova/db/main/api.py:instance_metadata_update', 'nova-specs newton lowercase-metadata-keys', '../shared/spec/nova-ground-truth.md A25'],
    epic: SM, feature: 'keys', level: 'required', tags: ['keys'],
  },
  {
    id: 'SM-KEY-008',
    rule: 'Keys in GET/DELETE item URLs MUST NOT be validated: an absent key outside the key pattern or over the length limit answers 404, never 400.',
    source: ['nova/api/openstack/compute/server_metadata.py:show', 'nova/api/openstack/compute/server_metadata.py:delete'],
    epic: SM, feature: 'keys', level: 'required', tags: ['negative', 'keys'],
  },
  {
    id: 'SM-VAL-001',
    rule: 'Values MUST be JSON strings: a number, float, boolean, null, object or array value MUST be rejected with 400 on every base, never coerced or stored.',
    source: ['nova/api/validation/parameter_types.py:metadata', '../shared/spec/nova-ground-truth.md C7-C15'],
    epic: SM, feature: 'values', level: 'required', tags: ['negative', 'values'],
  },
  {
    id: 'SM-VAL-002',
    rule: 'Value length MUST be counted in Unicode code points between the profile limits (Nova: 0-255), judged with characters of the Basic Multilingual Plane: 255 × "v", "é" or "€" accepted, 256 rejected with 400, "" accepted when the minimum is 0.',
    source: ['nova/api/validation/parameter_types.py:metadata (maxLength 255)', '../shared/spec/nova-ground-truth.md C1-C6'],
    epic: SM, feature: 'values', level: 'required', tags: ['negative', 'values', 'limits'],
  },
  {
    id: 'SM-VAL-003',
    rule: 'Values with characters outside the Basic Multilingual Plane (4-byte UTF-8, e.g. 255 × "😀") are implementation-defined: stored exactly and counted in code points by Nova on sqlite or utf8mb4, refused with 500 by Nova on MySQL/MariaDB utf8 (utf8mb3) columns. Recorded as observed.',
    source: ['nova/db/main/models.py:InstanceMetadata (value String(255))', '../shared/spec/behaviours.md SM-VAL-003'],
    epic: SM, feature: 'values', level: 'informational', tags: ['values'],
  },
  {
    id: 'SM-VAL-004',
    rule: 'Stored values MUST round-trip exactly: list and GET item answer what PUT/POST stored, without trimming, case folding or Unicode normalisation.',
    source: ['nova/api/openstack/compute/server_metadata.py:_get_metadata', 'nova/db/main/api.py'],
    epic: SM, feature: 'values', level: 'required', tags: ['values'],
  },
  {
    id: 'SM-URL-005',
    rule: 'The {key} path segment MUST be percent-decoded and matched literally: keys with space, ":", "." and a ".json" suffix are set and read through item URLs exactly.',
    source: ['nova/api/openstack/compute/routes.py', 'nova/api/openstack/__init__.py:ProjectMapper', '../shared/spec/nova-ground-truth.md B14, B19-B21'],
    epic: SM, feature: 'item URLs', level: 'required', tags: ['keys', 'routing'],
  },
];
