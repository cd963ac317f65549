import { nova, tempest, recorded, vendor, elsewhere } from './sources.ts';
import type { Behaviour } from './types.ts';

const SM = 'Server metadata' as const;

/** Behaviours of keys and values (SM-KEY-*, SM-VAL-*, SM-URL-005). */
export const keysValues: readonly Behaviour[] = [
  {
    id: 'SM-KEY-001',
    rule: 'A write MUST accept every key that matches the profile key pattern (Nova: ^[a-zA-Z0-9-_:. ]{1,255}$) and store it exactly, and MUST reject any other key with 400 without changing anything.',
    source: [nova('nova/api/validation/parameter_types.py', 'metadata'), nova('nova/api/openstack/compute/schemas/server_metadata.py', 'create, update, update_all'), vendor.huaweiReplaceAll],
    epic: SM, feature: 'keys', level: 'required', tags: ['negative', 'keys'],
  },
  {
    id: 'SM-KEY-002',
    rule: 'A write with an empty key "" MUST be rejected with 400 and change nothing.',
    source: [nova('nova/api/validation/parameter_types.py', 'metadata'), tempest('tempest/api/compute/servers/test_server_metadata_negative.py', 'ServerMetadataNegativeTestJSON', 'test_update_metadata_with_blank_key', 'a452f38c-05c2-4b47-bd44-a4f0bf5a5e48')],
    epic: SM, feature: 'keys', level: 'required', tags: ['negative', 'keys', 'limits'],
  },
  {
    id: 'SM-KEY-003',
    rule: 'A key of the profile maximum length (Nova: 255 characters) MUST be accepted; one character longer MUST be rejected with 400.',
    source: [nova('nova/api/validation/parameter_types.py', 'metadata'), tempest('tempest/api/compute/servers/test_server_metadata_negative.py', 'ServerMetadataNegativeTestJSON', 'test_server_create_metadata_key_too_long', 'fe114a8f-3a57-4eff-9ee2-4e14628df049')],
    epic: SM, feature: 'keys', level: 'required', tags: ['negative', 'keys', 'limits'],
  },
  {
    id: 'SM-KEY-004',
    rule: 'Where the profile key pattern allows spaces (Nova), keys such as "a b", " " and "a " MUST be distinct keys stored without trimming; where it does not, they MUST be rejected with 400.',
    source: [nova('nova/api/validation/parameter_types.py', 'metadata'), vendor.huaweiReplaceAll],
    epic: SM, feature: 'keys', level: 'required', tags: ['negative', 'keys'],
  },
  {
    id: 'SM-KEY-005',
    rule: 'Keys with non-ASCII characters (e.g. "ключ", "é", CJK, emoji) MUST be rejected with 400 and change nothing.',
    source: [nova('nova/api/validation/parameter_types.py', 'metadata')],
    epic: SM, feature: 'keys', level: 'required', tags: ['negative', 'keys'],
  },
  {
    id: 'SM-KEY-006',
    rule: 'A key with one trailing newline ("a\\n") is implementation-defined (Nova\'s Python regex accepts it, an ECMAScript one rejects it): either outcome, consistently applied.',
    source: [nova('nova/api/validation/validators.py', "_SchemaValidator (patternProperties are matched with Python's re.search)"), elsewhere.pythonDollar],
    epic: SM, feature: 'keys', level: 'informational', tags: ['keys'],
  },
  {
    id: 'SM-KEY-007',
    rule: 'Keys MUST be case-sensitive for set and get: "A" and "a" coexist and each GET item answers its own value (case-variant DELETE is backend-dependent and not tested).',
    source: [nova('nova/db/main/api.py', 'instance_metadata_update'), elsewhere.lowercaseKeysSpec, recorded('A25')],
    epic: SM, feature: 'keys', level: 'required', tags: ['keys'],
  },
  {
    id: 'SM-KEY-008',
    rule: 'Keys in GET/DELETE item URLs MUST NOT be validated: an absent key outside the key pattern or over the length limit answers 404, never 400.',
    source: [nova('nova/api/openstack/compute/server_metadata.py', 'ServerMetadataController.show'), nova('nova/api/openstack/compute/server_metadata.py', 'ServerMetadataController.delete')],
    epic: SM, feature: 'keys', level: 'required', tags: ['negative', 'keys'],
  },
  {
    id: 'SM-VAL-001',
    rule: 'Values MUST be JSON strings: a number, float, boolean, null, object or array value MUST be rejected with 400 on every base, never coerced or stored.',
    source: [nova('nova/api/validation/parameter_types.py', 'metadata'), recorded('C7-C15')],
    epic: SM, feature: 'values', level: 'required', tags: ['negative', 'values'],
  },
  {
    id: 'SM-VAL-002',
    rule: 'Value length MUST be counted in Unicode code points between the profile limits (Nova: 0-255), judged with characters of the Basic Multilingual Plane: 255 × "v", "é" or "€" accepted, 256 rejected with 400, "" accepted when the minimum is 0.',
    source: [nova('nova/api/validation/parameter_types.py', 'metadata (value maxLength 255)'), recorded('C1-C6')],
    epic: SM, feature: 'values', level: 'required', tags: ['negative', 'values', 'limits'],
  },
  {
    id: 'SM-VAL-003',
    rule: 'Values with characters outside the Basic Multilingual Plane (4-byte UTF-8, e.g. 255 × "😀") are implementation-defined: stored exactly and counted in code points by Nova on sqlite or utf8mb4, refused with 500 by Nova on MySQL/MariaDB utf8 (utf8mb3) columns. Recorded as observed.',
    source: [nova('nova/db/main/models.py', 'InstanceMetadata (value String(255))'), recorded('C5'), elsewhere.mysqlUtf8mb3],
    epic: SM, feature: 'values', level: 'informational', tags: ['values'],
  },
  {
    id: 'SM-VAL-004',
    rule: 'Stored values MUST round-trip exactly: list and GET item answer what PUT/POST stored, without trimming, case folding or Unicode normalisation.',
    source: [nova('nova/api/openstack/compute/server_metadata.py', 'ServerMetadataController._get_metadata'), nova('nova/db/main/api.py', 'instance_metadata_get, instance_metadata_update')],
    epic: SM, feature: 'values', level: 'required', tags: ['values'],
  },
  {
    id: 'SM-URL-005',
    rule: 'The {key} path segment MUST be percent-decoded and matched literally: keys with space, ":", "." and a ".json" suffix are set and read through item URLs exactly.',
    source: [nova('nova/api/openstack/compute/routes.py', 'ROUTE_LIST'), nova('nova/api/openstack/__init__.py', 'ProjectMapper'), recorded('B14', 'B19-B21')],
    epic: SM, feature: 'item URLs', level: 'required', tags: ['keys', 'routing'],
  },
];
