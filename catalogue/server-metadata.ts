import { nova, tempest, tempestSchema, vendor } from './sources.ts';
import type { Behaviour } from './types.ts';

const SM = 'Server metadata' as const;

/** Server-metadata behaviours (collection and item operations). */
export const serverMetadata: readonly Behaviour[] = [
  {
    id: 'SM-LIST-001',
    rule: 'GET {S} MUST answer a success status with {"metadata": {string: string}} holding exactly the stored set; no pagination.',
    source: [nova('nova/api/openstack/compute/server_metadata.py', 'ServerMetadataController.index'), vendor.huaweiList],
    epic: SM, feature: 'list', level: 'required', tags: ['core'],
  },
  {
    id: 'SM-LIST-002',
    rule: 'GET {S} on a server without metadata MUST answer {"metadata": {}}.',
    source: [nova('nova/tests/unit/api/openstack/compute/test_server_metadata.py', 'ServerMetaDataTestV21.test_index_no_data')],
    epic: SM, feature: 'list', level: 'required', tags: ['core'],
  },
  {
    id: 'SM-SHOW-001',
    rule: 'GET {S}/{key} MUST answer {"meta": {"<key>": "<value>"}} with exactly the requested key.',
    source: [nova('nova/api/openstack/compute/server_metadata.py', 'ServerMetadataController.show'), vendor.huaweiShowItem, vendor.nttShowItem],
    epic: SM, feature: 'show', level: 'required', tags: ['core'],
  },
  {
    id: 'SM-SHOW-002',
    rule: 'GET {S}/{key} for a key the server does not have MUST answer 404 itemNotFound.',
    source: [nova('nova/api/openstack/compute/server_metadata.py', 'ServerMetadataController.show')],
    epic: SM, feature: 'show', level: 'required', tags: ['core', 'negative'],
  },
  {
    id: 'SM-REPLACE-001',
    rule: 'PUT {S} MUST replace the whole set: afterwards a list shows exactly the request map; keys not in it are gone.',
    source: [vendor.huaweiReplaceAll, nova('nova/api/openstack/compute/server_metadata.py', 'ServerMetadataController.update_all'), nova('nova/compute/api.py', 'API.update_instance_metadata')],
    epic: SM, feature: 'replace-all', level: 'required', tags: ['core'],
  },
  {
    id: 'SM-REPLACE-002',
    rule: 'PUT {S} MUST answer a success status with {"metadata": <request map>}.',
    source: [vendor.huaweiReplaceAll, nova('nova/api/openstack/compute/server_metadata.py', 'ServerMetadataController.update_all')],
    epic: SM, feature: 'replace-all', level: 'required', tags: ['core'],
  },
  {
    id: 'SM-REPLACE-003',
    rule: 'PUT {S} with {"metadata": {}} MUST delete every key and answer {"metadata": {}}.',
    source: [nova('nova/tests/unit/api/openstack/compute/test_server_metadata.py', 'ServerMetaDataTestV21.test_update_all_empty_container')],
    epic: SM, feature: 'replace-all', level: 'required', tags: ['core'],
  },
  {
    id: 'SM-MERGE-001',
    rule: 'POST {S} MUST create or update the request keys and keep every other key.',
    source: [nova('nova/api/openstack/compute/server_metadata.py', 'ServerMetadataController.create'), nova('nova/compute/api.py', 'API.update_instance_metadata')],
    epic: SM, feature: 'merge', level: 'required', tags: ['core'],
  },
  {
    id: 'SM-MERGE-002',
    rule: 'POST {S} MUST answer {"metadata": <the full merged set>}, not only the request keys.',
    source: [nova('nova/api/openstack/compute/server_metadata.py', 'ServerMetadataController.create')],
    epic: SM, feature: 'merge', level: 'required', tags: ['core'],
  },
  {
    id: 'SM-MERGE-003',
    rule: 'POST {S} MUST answer a success status of the profile (200 in Nova, never 201).',
    source: [nova('nova/api/openstack/compute/server_metadata.py', 'ServerMetadataController.create'), tempestSchema('tempest/lib/api_schema/response/compute/v2_1/servers.py', 'update_server_metadata')],
    epic: SM, feature: 'merge', level: 'required', tags: ['core'],
  },
  {
    id: 'SM-MERGE-004',
    rule: 'POST {S} with {"metadata": {}} MUST change nothing and answer the current set.',
    source: [tempest('tempest/api/compute/servers/test_server_metadata.py', 'ServerMetadataTestJSON', 'test_update_metadata_empty_body', '0f58d402-e34a-481d-8af8-b392b17426d9')],
    epic: SM, feature: 'merge', level: 'required', tags: ['core'],
  },
  {
    id: 'SM-SET-001',
    rule: 'PUT {S}/{key} MUST create the key or replace its value and keep every other key.',
    source: [nova('nova/api/openstack/compute/server_metadata.py', 'ServerMetadataController.update'), tempest('tempest/api/compute/servers/test_server_metadata.py', 'ServerMetadataTestJSON', 'test_set_server_metadata_item', '58c02d4f-5c67-40be-8744-d3fa5982eb1c')],
    epic: SM, feature: 'set item', level: 'required', tags: ['core'],
  },
  {
    id: 'SM-SET-002',
    rule: 'PUT {S}/{key} MUST answer a success status with {"meta": {"<key>": "<value>"}} echoing the request.',
    source: [nova('nova/api/openstack/compute/server_metadata.py', 'ServerMetadataController.update')],
    epic: SM, feature: 'set item', level: 'required', tags: ['core'],
  },
  {
    id: 'SM-DEL-001',
    rule: 'DELETE {S}/{key} MUST answer 204 with an empty body.',
    source: [nova('nova/api/openstack/compute/server_metadata.py', 'ServerMetadataController.delete'), tempestSchema('tempest/lib/api_schema/response/compute/v2_1/servers.py', 'delete_server_metadata_item')],
    epic: SM, feature: 'delete item', level: 'required', tags: ['core'],
  },
  {
    id: 'SM-DEL-002',
    rule: 'DELETE {S}/{key} MUST remove that key and keep every other key.',
    source: [tempest('tempest/api/compute/servers/test_server_metadata.py', 'ServerMetadataTestJSON', 'test_delete_server_metadata_item', '127642d6-4c7b-4486-b7cd-07265a378658')],
    epic: SM, feature: 'delete item', level: 'required', tags: ['core'],
  },
  {
    id: 'SM-DEL-003',
    rule: 'DELETE {S}/{key} for an absent key MUST answer 404 itemNotFound; a second DELETE of the same key too.',
    source: [nova('nova/api/openstack/compute/server_metadata.py', 'ServerMetadataController.delete')],
    epic: SM, feature: 'delete item', level: 'required', tags: ['core', 'negative'],
  },
  {
    id: 'SM-URL-002',
    rule: 'A URL project_id other than the token\'s project MUST answer 400 badRequest "Malformed request URL".',
    source: [nova('nova/api/openstack/wsgi.py', 'Resource._process_stack'), vendor.nttShowItem],
    epic: SM, feature: 'routing', level: 'required', tags: ['negative'],
  },
  {
    id: 'SM-URL-004',
    rule: 'Every operation on an unknown server MUST answer 404 itemNotFound.',
    source: [nova('nova/compute/api.py', 'API.get'), nova('nova/api/openstack/common.py', 'get_instance')],
    epic: SM, feature: 'routing', level: 'required', tags: ['negative'],
  },
  {
    id: 'SM-V2-001',
    rule: '/v2 MUST differ from /v2.1 only by: extra top-level members dropped (not 400), the invalid-key message, no microversion headers (request ones ignored), the image proxy kept at any microversion.',
    source: [nova('etc/nova/api-paste.ini', '[composite:openstack_compute_api_v21_legacy_v2_compatible], [filter:legacy_v2_compatible]'), nova('nova/api/openstack/__init__.py', 'LegacyV2CompatibleWrapper'), nova('nova/api/validation/validators.py', '_soft_validate_additional_properties')],
    epic: SM, feature: 'parity', level: 'required', tags: ['parity'],
  },
  {
    id: 'SM-V2-002',
    rule: 'The same sequence of operations on /v2 and /v2.1 MUST give the same statuses and bodies.',
    source: [nova('nova/api/openstack/__init__.py', 'LegacyV2CompatibleWrapper'), nova('etc/nova/api-paste.ini', '[composite:osapi_compute] (/v2 and /v2.1 share osapi_compute_app_v21)')],
    epic: SM, feature: 'parity', level: 'required', tags: ['core', 'parity'],
  },
];
