import { nova, keystonemiddleware, osloPolicy, tempest, vendor, elsewhere } from './sources.ts';
import type { Behaviour } from './types.ts';

const SM = 'Server metadata' as const;

/** Behaviours of authentication, policy, quota, lock and server state (SM-AUTH-*, SM-QUOTA-*, SM-STATE-*, SM-LIST-004, SM-DEL-004, SM-REPLACE-004, SM-SET-005). */
export const access: readonly Behaviour[] = [
  {
    id: 'SM-AUTH-001',
    rule: 'A request without a token or with an invalid token MUST be refused with 401 (keystonemiddleware {"error": …} or the Nova envelope, code 401).',
    source: [keystonemiddleware('keystonemiddleware/auth_token/__init__.py', 'AuthProtocol.process_request'), nova('etc/nova/api-paste.ini', 'authtoken in the keystone pipelines'), nova('nova/api/openstack/wsgi.py', 'Fault')],
    epic: SM, feature: 'authentication', level: 'required', tags: ['auth', 'negative'],
  },
  {
    id: 'SM-AUTH-002',
    rule: 'Policy MUST let project readers read and members write; a denied operation MUST answer 403 forbidden "Policy doesn\'t allow …".',
    source: [nova('nova/policies/server_metadata.py', 'server_metadata_policies'), nova('nova/policies/base.py', 'PROJECT_READER_OR_ADMIN, PROJECT_MEMBER_OR_ADMIN'), osloPolicy('oslo_policy/opts.py', 'enforce_scope, enforce_new_defaults'), nova('nova/exception.py', 'PolicyNotAuthorized')],
    epic: SM, feature: 'authorization', level: 'advisory', tags: ['auth'],
  },
  {
    id: 'SM-AUTH-003',
    rule: 'Another project\'s server MUST be invisible to a non-admin: every metadata operation on it answers 404, never 403.',
    source: [nova('nova/db/main/api.py', '_build_instance_get (project_only=True)'), elsewhere.tempestAltAccountServer],
    epic: SM, feature: 'authorization', level: 'required', tags: ['auth', 'negative'],
  },
  {
    id: 'SM-AUTH-004',
    rule: 'The server lookup MUST precede the policy check: an invisible server answers 404 before any 403.',
    source: [nova('nova/api/openstack/compute/server_metadata.py', 'ServerMetadataController (common.get_instance before context.can in every method)')],
    epic: SM, feature: 'authorization', level: 'advisory', tags: ['auth', 'negative'],
  },
  {
    id: 'SM-QUOTA-001',
    rule: 'Writes MUST allow exactly the metadata item limit (GET /limits maxServerMeta) and reject one more with the profile\'s quota status and fault (Nova: 403 forbidden).',
    source: [nova('nova/compute/api.py', 'API._check_metadata_properties_quota'), nova('nova/conf/quota.py', 'metadata_items (default 128)'), nova('nova/api/openstack/compute/server_metadata.py', 'ServerMetadataController._update_instance_metadata'), tempest('tempest/api/compute/servers/test_server_metadata_negative.py', 'ServerMetadataNegativeTestJSON', 'test_metadata_items_limit', 'd8c0a210-a5c3-4664-be04-69d96746b547')],
    epic: SM, feature: 'quota', level: 'required', tags: ['quota', 'limits', 'negative'],
  },
  {
    id: 'SM-QUOTA-002',
    rule: 'A write rejected for quota MUST change nothing: the stored set stays as it was.',
    source: [nova('nova/compute/api.py', 'API.update_instance_metadata (the quota check comes before instance.save)')],
    epic: SM, feature: 'quota', level: 'required', tags: ['quota', 'limits', 'negative'],
  },
  {
    id: 'SM-QUOTA-003',
    rule: 'An empty resulting set MUST never be quota-checked: PUT {"metadata": {}} succeeds even on a server at the limit.',
    source: [nova('nova/compute/api.py', 'API._check_metadata_properties_quota (if not metadata: return)')],
    epic: SM, feature: 'quota', level: 'required', tags: ['quota', 'limits'],
  },
  {
    id: 'SM-REPLACE-004',
    rule: 'PUT {S} MUST count the quota on the new set only: replacing N stored keys with N other keys at the limit is allowed.',
    source: [nova('nova/compute/api.py', 'API.update_instance_metadata (delete=True)')],
    epic: SM, feature: 'replace-all', level: 'required', tags: ['quota', 'limits'],
  },
  {
    id: 'SM-SET-005',
    rule: 'PUT {S}/{key} MUST count the quota on the merged set: a new key beyond the limit is rejected, overwriting an existing key at the limit is allowed.',
    source: [nova('nova/compute/api.py', 'API.update_instance_metadata (delete=False)'), nova('nova/tests/unit/api/openstack/compute/test_server_metadata.py', 'ServerMetaDataTestV21.test_too_many_metadata_items_on_update_item')],
    epic: SM, feature: 'set item', level: 'required', tags: ['quota', 'limits'],
  },
  {
    id: 'SM-STATE-001',
    rule: 'Writes on a server whose vm_state is not active, paused, suspended or stopped MUST answer 409 conflictingRequest; reads still succeed.',
    source: [nova('nova/compute/api.py', 'API.update_instance_metadata and API.delete_instance_metadata (@check_instance_state)'), nova('nova/api/openstack/common.py', 'raise_http_conflict_for_instance_invalid_state'), vendor.huaweiReplaceAll],
    epic: SM, feature: 'server state', level: 'required', tags: ['state', 'negative'],
  },
  {
    id: 'SM-STATE-002',
    rule: 'Writes on a server that never launched (launched_at unset) MUST answer 409 conflictingRequest.',
    source: [nova('nova/compute/api.py', 'check_instance_state (must_have_launched=True)')],
    epic: SM, feature: 'server state', level: 'required', tags: ['state', 'negative'],
  },
  {
    id: 'SM-STATE-003',
    rule: 'Every write (PUT {S}, POST {S}, PUT {S}/{key}, DELETE {S}/{key}) on a locked server MUST answer 409 conflictingRequest for a non-admin and change nothing.',
    source: [nova('nova/compute/api.py', 'check_instance_lock'), nova('nova/tests/unit/api/openstack/compute/test_server_metadata.py', 'BadStateServerMetaDataTestV21.test_instance_lock_update_metadata')],
    epic: SM, feature: 'lock', level: 'required', tags: ['state', 'negative'],
  },
  {
    id: 'SM-STATE-004',
    rule: 'Reads (GET {S}, GET {S}/{key}) MUST never answer 409, whatever the lock or vm_state of the server.',
    source: [nova('nova/api/openstack/compute/server_metadata.py', 'ServerMetadataController.index and .show'), nova('nova/compute/api.py', 'API.get_instance_metadata')],
    epic: SM, feature: 'server state', level: 'required', tags: ['state'],
  },
  {
    id: 'SM-LIST-004',
    rule: 'GET {S} and GET {S}/{key} on a locked server MUST answer the stored metadata as for an unlocked one.',
    source: [nova('nova/api/openstack/compute/server_metadata.py', 'ServerMetadataController.index and .show (no check_instance_lock or check_instance_state)')],
    epic: SM, feature: 'list', level: 'required', tags: ['state'],
  },
  {
    id: 'SM-LIST-005',
    rule: 'GET {S} for an unknown server (random UUID or not a UUID) MUST answer 404 itemNotFound.',
    source: [nova('nova/api/openstack/common.py', 'get_instance'), nova('nova/compute/api.py', 'API.get'), tempest('tempest/api/compute/servers/test_server_metadata_negative.py', 'ServerMetadataNegativeTestJSON', 'test_list_server_metadata_non_existent_server', 'f408e78e-3066-4097-9299-3b0182da812e')],
    epic: SM, feature: 'list', level: 'required', tags: ['core', 'negative'],
  },
  {
    id: 'SM-SHOW-003',
    rule: 'GET {S}/{key} for an unknown server MUST answer 404 itemNotFound about the server (checked before the key), not the absent-key error.',
    source: [nova('nova/api/openstack/compute/server_metadata.py', 'ServerMetadataController.show'), nova('nova/api/openstack/common.py', 'get_instance'), tempest('tempest/api/compute/servers/test_server_metadata_negative.py', 'ServerMetadataNegativeTestJSON', 'test_server_metadata_non_existent_server', '4d9cd7a3-2010-4b41-b8fe-3bbf0b169466')],
    epic: SM, feature: 'show', level: 'required', tags: ['core', 'negative'],
  },
  {
    id: 'SM-DEL-004',
    rule: 'DELETE {S}/{key} of an absent key on a locked server MUST answer 404 (key checked before lock and state), not 409.',
    source: [nova('nova/api/openstack/compute/server_metadata.py', 'ServerMetadataController.delete (the key is looked up before compute_api.delete_instance_metadata)')],
    epic: SM, feature: 'delete item', level: 'required', tags: ['state', 'negative'],
  },
];
