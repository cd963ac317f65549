import type { Behaviour } from './types.ts';

const SM = 'Server metadata' as const;

/** Behaviours of authentication, policy, quota, lock and server state (SM-AUTH-*, SM-QUOTA-*, SM-STATE-*, SM-LIST-004, SM-DEL-004, SM-REPLACE-004, SM-SET-005). */
export const access: readonly Behaviour[] = [
  {
    id: 'SM-AUTH-001',
    rule: 'A request without a token or with an invalid token MUST be refused with 401 (keystonemiddleware {"error": …} or the Nova envelope, code 401).',
    source: ['keystonemiddleware auth_token/__init__.py:process_request', 'etc/nova/api-paste.ini', 'nova/api/openstack/wsgi.py:Fault'],
    epic: SM, feature: 'authentication', level: 'required', tags: ['auth', 'negative'],
  },
  {
    id: 'SM-AUTH-002',
    rule: 'Policy MUST let project readers read and members write; a denied operation MUST answer 403 forbidden "Policy doesn\'t allow …".',
    source: ['nova/policies/server_metadata.py', 'nova/policies/base.py', 'oslo.policy opts.py', 'nova/exception.py:PolicyNotAuthorized'],
    epic: SM, feature: 'authorization', level: 'advisory', tags: ['auth'],
  },
  {
    id: 'SM-AUTH-003',
    rule: 'Another project\'s server MUST be invisible to a non-admin: every metadata operation on it answers 404, never 403.',
    source: ['nova/db/main/api.py:_build_instance_get (project_only=True)', 'tempest/api/compute/test_authorization.py@a0a9b24de^'],
    epic: SM, feature: 'authorization', level: 'required', tags: ['auth', 'negative'],
  },
  {
    id: 'SM-AUTH-004',
    rule: 'The server lookup MUST precede the policy check: an invisible server answers 404 before any 403.',
    source: ['nova/api/openstack/compute/server_metadata.py (common.get_instance before context.can)'],
    epic: SM, feature: 'authorization', level: 'advisory', tags: ['auth', 'negative'],
  },
  {
    id: 'SM-QUOTA-001',
    rule: 'Writes MUST allow exactly the metadata item limit (GET /limits maxServerMeta) and reject one more with the profile\'s quota status and fault (Nova: 403 forbidden).',
    source: ['nova/compute/api.py:_check_metadata_properties_quota', 'nova/conf/quota.py (metadata_items=128)', 'nova/api/openstack/compute/server_metadata.py:_update_instance_metadata', 'tempest/api/compute/servers/test_server_metadata_negative.py:test_metadata_items_limit'],
    epic: SM, feature: 'quota', level: 'required', tags: ['quota', 'limits', 'negative'],
  },
  {
    id: 'SM-QUOTA-002',
    rule: 'A write rejected for quota MUST change nothing: the stored set stays as it was.',
    source: ['nova/compute/api.py:update_instance_metadata (quota check before instance.save)'],
    epic: SM, feature: 'quota', level: 'required', tags: ['quota', 'limits', 'negative'],
  },
  {
    id: 'SM-QUOTA-003',
    rule: 'An empty resulting set MUST never be quota-checked: PUT {"metadata": {}} succeeds even on a server at the limit.',
    source: ['nova/compute/api.py:_check_metadata_properties_quota (if not metadata: return)'],
    epic: SM, feature: 'quota', level: 'required', tags: ['quota', 'limits'],
  },
  {
    id: 'SM-REPLACE-004',
    rule: 'PUT {S} MUST count the quota on the new set only: replacing N stored keys with N other keys at the limit is allowed.',
    source: ['nova/compute/api.py:update_instance_metadata (delete=True)'],
    epic: SM, feature: 'replace-all', level: 'required', tags: ['quota', 'limits'],
  },
  {
    id: 'SM-SET-005',
    rule: 'PUT {S}/{key} MUST count the quota on the merged set: a new key beyond the limit is rejected, overwriting an existing key at the limit is allowed.',
    source: ['nova/compute/api.py:update_instance_metadata (delete=False)', 'nova/tests/unit/api/openstack/compute/test_server_metadata.py:test_too_many_metadata_items_on_update_item'],
    epic: SM, feature: 'set item', level: 'required', tags: ['quota', 'limits'],
  },
  {
    id: 'SM-STATE-001',
    rule: 'Writes on a server whose vm_state is not active, paused, suspended or stopped MUST answer 409 conflictingRequest; reads still succeed.',
    source: ['nova/compute/api.py:update_instance_metadata/delete_instance_metadata (check_instance_state)', 'nova/api/openstack/common.py:raise_http_conflict_for_instance_invalid_state', 'seeds/003_8e6c7d852b5ec2bf.txt'],
    epic: SM, feature: 'server state', level: 'required', tags: ['state', 'negative'],
  },
  {
    id: 'SM-STATE-002',
    rule: 'Writes on a server that never launched (launched_at unset) MUST answer 409 conflictingRequest.',
    source: ['nova/compute/api.py:check_instance_state (must_have_launched=True)'],
    epic: SM, feature: 'server state', level: 'required', tags: ['state', 'negative'],
  },
  {
    id: 'SM-STATE-003',
    rule: 'Every write (PUT {S}, POST {S}, PUT {S}/{key}, DELETE {S}/{key}) on a locked server MUST answer 409 conflictingRequest for a non-admin and change nothing.',
    source: ['nova/compute/api.py:check_instance_lock', 'nova/tests/unit/api/openstack/compute/test_server_metadata.py:test_instance_lock_update_metadata'],
    epic: SM, feature: 'lock', level: 'required', tags: ['state', 'negative'],
  },
  {
    id: 'SM-STATE-004',
    rule: 'Reads (GET {S}, GET {S}/{key}) MUST never answer 409, whatever the lock or vm_state of the server.',
    source: ['nova/api/openstack/compute/server_metadata.py:index/show', 'nova/compute/api.py:get_instance_metadata'],
    epic: SM, feature: 'server state', level: 'required', tags: ['state'],
  },
  {
    id: 'SM-LIST-004',
    rule: 'GET {S} and GET {S}/{key} on a locked server MUST answer the stored metadata as for an unlocked one.',
    source: ['nova/api/openstack/compute/server_metadata.py:index/show (no check_instance_*)'],
    epic: SM, feature: 'list', level: 'required', tags: ['state'],
  },
  {
    id: 'SM-LIST-005',
    rule: 'GET {S} for an unknown server (random UUID or not a UUID) MUST answer 404 itemNotFound.',
    source: ['nova/api/openstack/common.py:get_instance', 'nova/compute/api.py:API.get', 'tempest/api/compute/servers/test_server_metadata_negative.py:test_list_server_metadata_non_existent_server'],
    epic: SM, feature: 'list', level: 'required', tags: ['core', 'negative'],
  },
  {
    id: 'SM-SHOW-003',
    rule: 'GET {S}/{key} for an unknown server MUST answer 404 itemNotFound about the server (checked before the key), not the absent-key error.',
    source: ['nova/api/openstack/compute/server_metadata.py:show', 'nova/api/openstack/common.py:get_instance', 'tempest/api/compute/servers/test_server_metadata_negative.py:test_server_metadata_non_existent_server'],
    epic: SM, feature: 'show', level: 'required', tags: ['core', 'negative'],
  },
  {
    id: 'SM-DEL-004',
    rule: 'DELETE {S}/{key} of an absent key on a locked server MUST answer 404 (key checked before lock and state), not 409.',
    source: ['nova/api/openstack/compute/server_metadata.py:delete (key check before compute_api.delete_instance_metadata)'],
    epic: SM, feature: 'delete item', level: 'required', tags: ['state', 'negative'],
  },
];
