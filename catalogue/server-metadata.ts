import type { Behaviour } from './types.ts';

const SM = 'Server metadata' as const;

/** Server-metadata behaviours (collection and item operations). */
export const serverMetadata: readonly Behaviour[] = [
  {
    id: 'SM-LIST-001',
    rule: 'GET {S} MUST answer a success status with {"metadata": {string: string}} holding exactly the stored set; no pagination.',
    source: ['nova/api/openstack/compute/server_metadata.py:index', 'seeds/001_29bbdd85b466dc4b.txt'],
    epic: SM, feature: 'list', level: 'required', tags: ['core'],
  },
  {
    id: 'SM-LIST-002',
    rule: 'GET {S} on a server without metadata MUST answer {"metadata": {}}.',
    source: ['nova/tests/unit/api/openstack/compute/test_server_metadata.py:test_index_no_data'],
    epic: SM, feature: 'list', level: 'required', tags: ['core'],
  },
  {
    id: 'SM-SHOW-001',
    rule: 'GET {S}/{key} MUST answer {"meta": {"<key>": "<value>"}} with exactly the requested key.',
    source: ['nova/api/openstack/compute/server_metadata.py:show', 'seeds/000_2cb4553f266783f4.txt', 'seeds/002_3ded3440ffba0367.txt'],
    epic: SM, feature: 'show', level: 'required', tags: ['core'],
  },
  {
    id: 'SM-SHOW-002',
    rule: 'GET {S}/{key} for a key the server does not have MUST answer 404 itemNotFound.',
    source: ['nova/api/openstack/compute/server_metadata.py:show'],
    epic: SM, feature: 'show', level: 'required', tags: ['core', 'negative'],
  },
  {
    id: 'SM-REPLACE-001',
    rule: 'PUT {S} MUST replace the whole set: afterwards a list shows exactly the request map; keys not in it are gone.',
    source: ['seeds/003_8e6c7d852b5ec2bf.txt', 'nova/api/openstack/compute/server_metadata.py:update_all', 'nova/compute/api.py:update_instance_metadata'],
    epic: SM, feature: 'replace-all', level: 'required', tags: ['core'],
  },
  {
    id: 'SM-REPLACE-002',
    rule: 'PUT {S} MUST answer a success status with {"metadata": <request map>}.',
    source: ['seeds/003_8e6c7d852b5ec2bf.txt', 'nova/api/openstack/compute/server_metadata.py:update_all'],
    epic: SM, feature: 'replace-all', level: 'required', tags: ['core'],
  },
  {
    id: 'SM-REPLACE-003',
    rule: 'PUT {S} with {"metadata": {}} MUST delete every key and answer {"metadata": {}}.',
    source: ['nova/tests/unit/api/openstack/compute/test_server_metadata.py:test_update_all_empty_container'],
    epic: SM, feature: 'replace-all', level: 'required', tags: ['core'],
  },
  {
    id: 'SM-MERGE-001',
    rule: 'POST {S} MUST create or update the request keys and keep every other key.',
    source: ['nova/api/openstack/compute/server_metadata.py:create', 'nova/compute/api.py:update_instance_metadata'],
    epic: SM, feature: 'merge', level: 'required', tags: ['core'],
  },
  {
    id: 'SM-MERGE-002',
    rule: 'POST {S} MUST answer {"metadata": <the full merged set>}, not only the request keys.',
    source: ['nova/api/openstack/compute/server_metadata.py:create'],
    epic: SM, feature: 'merge', level: 'required', tags: ['core'],
  },
  {
    id: 'SM-MERGE-003',
    rule: 'POST {S} MUST answer a success status of the profile (200 in Nova, never 201).',
    source: ['nova/api/openstack/compute/server_metadata.py:create', 'tempest/lib/api_schema/response/compute/v2_1/servers.py:update_server_metadata'],
    epic: SM, feature: 'merge', level: 'required', tags: ['core'],
  },
  {
    id: 'SM-MERGE-004',
    rule: 'POST {S} with {"metadata": {}} MUST change nothing and answer the current set.',
    source: ['tempest/api/compute/servers/test_server_metadata.py:test_update_metadata_empty_body'],
    epic: SM, feature: 'merge', level: 'required', tags: ['core'],
  },
  {
    id: 'SM-SET-001',
    rule: 'PUT {S}/{key} MUST create the key or replace its value and keep every other key.',
    source: ['nova/api/openstack/compute/server_metadata.py:update', 'tempest/api/compute/servers/test_server_metadata.py:test_set_server_metadata_item'],
    epic: SM, feature: 'set item', level: 'required', tags: ['core'],
  },
  {
    id: 'SM-SET-002',
    rule: 'PUT {S}/{key} MUST answer a success status with {"meta": {"<key>": "<value>"}} echoing the request.',
    source: ['nova/api/openstack/compute/server_metadata.py:update'],
    epic: SM, feature: 'set item', level: 'required', tags: ['core'],
  },
  {
    id: 'SM-DEL-001',
    rule: 'DELETE {S}/{key} MUST answer 204 with an empty body.',
    source: ['nova/api/openstack/compute/server_metadata.py:delete', 'tempest/lib/api_schema/response/compute/v2_1/servers.py:delete_server_metadata_item'],
    epic: SM, feature: 'delete item', level: 'required', tags: ['core'],
  },
  {
    id: 'SM-DEL-002',
    rule: 'DELETE {S}/{key} MUST remove that key and keep every other key.',
    source: ['tempest/api/compute/servers/test_server_metadata.py:test_delete_server_metadata_item'],
    epic: SM, feature: 'delete item', level: 'required', tags: ['core'],
  },
  {
    id: 'SM-DEL-003',
    rule: 'DELETE {S}/{key} for an absent key MUST answer 404 itemNotFound; a second DELETE of the same key too.',
    source: ['nova/api/openstack/compute/server_metadata.py:delete'],
    epic: SM, feature: 'delete item', level: 'required', tags: ['core', 'negative'],
  },
  {
    id: 'SM-URL-002',
    rule: 'A URL project_id other than the token\'s project MUST answer 400 badRequest "Malformed request URL".',
    source: ['nova/api/openstack/wsgi.py:Resource._process_stack', 'seeds/002_3ded3440ffba0367.txt'],
    epic: SM, feature: 'routing', level: 'required', tags: ['negative'],
  },
  {
    id: 'SM-URL-004',
    rule: 'Every operation on an unknown server MUST answer 404 itemNotFound.',
    source: ['nova/compute/api.py:API.get', 'nova/api/openstack/common.py:get_instance'],
    epic: SM, feature: 'routing', level: 'required', tags: ['negative'],
  },
  {
    id: 'SM-V2-001',
    rule: '/v2 MUST differ from /v2.1 only by: extra top-level members dropped (not 400), the invalid-key message, no microversion headers (request ones ignored), the image proxy kept at any microversion.',
    source: ['etc/nova/api-paste.ini (legacy_v2_compatible)', 'nova/api/openstack/__init__.py:LegacyV2CompatibleWrapper', 'nova/api/validation/validators.py:_soft_validate_additional_properties'],
    epic: SM, feature: 'parity', level: 'required', tags: ['parity'],
  },
  {
    id: 'SM-V2-002',
    rule: 'The same sequence of operations on /v2 and /v2.1 MUST give the same statuses and bodies.',
    source: ['nova/api/openstack/__init__.py:LegacyV2CompatibleWrapper', 'etc/nova/api-paste.ini'],
    epic: SM, feature: 'parity', level: 'required', tags: ['core', 'parity'],
  },
];
