/**
 * nova/api/openstack/compute/server_metadata.py ServerMetadataController (index, show, create, update,
 * update_all, delete), with what it calls in nova/compute/api.py: update_instance_metadata and
 * delete_instance_metadata behind check_instance_lock, check_instance_state (vm_states active, paused,
 * suspended, stopped) and the launched_at check, and the metadata_items quota (_check_metadata_properties_quota)
 * before instance.save(). Every decision is the implementation's (a mutant may alter one).
 */
import type { ReferenceContext, RequestContext } from '../context.ts';
import { Fault } from '../faults.ts';
import type { Metadata } from '../../lib/protocol.ts';
import type { Operation } from '../implementation.ts';
import type { RouteOf } from '../router.ts';
import { WRITABLE_VM_STATES, type Server } from '../store.ts';
import { validatedBody } from '../validation.ts';
import { send } from '../wsgi.ts';
import { findServer } from './common.ts';

/** Policy action names of the operations (nova/policies/server_metadata.py). */
const POLICY_ACTIONS: Record<Operation, string> = { list: 'index', show: 'show', replaceAll: 'update_all', merge: 'create', setItem: 'update', deleteItem: 'delete' };

/** compute/api.py: check_instance_lock, check_instance_state and the launched_at check of a metadata write. */
function checkWritable(ref: ReferenceContext, server: Server, op: Operation): void {
  const { impl } = ref;
  const verb = op === 'deleteItem' ? 'delete metadata' : 'update metadata';
  if (impl.enforcesLock && server.locked) throw new Fault(409, `Instance ${server.id} is locked`);
  if (impl.enforcesVmState && !(WRITABLE_VM_STATES as readonly string[]).includes(server.vmState)) {
    throw new Fault(409, `Cannot '${verb}' instance ${server.id} while it is in vm_state ${server.vmState}`);
  }
  if (impl.enforcesLaunched && !server.launched) throw new Fault(409, `Instance ${server.id} is in an invalid state for '${verb}'`);
}

/** Reads check nothing in Nova; a mutant may make them. */
function checkReadable(ref: ReferenceContext, server: Server): void {
  const { impl } = ref;
  if (impl.readsCheckLock && server.locked) throw new Fault(409, `Instance ${server.id} is locked`);
  if (impl.readsCheckVmState && !(WRITABLE_VM_STATES as readonly string[]).includes(server.vmState)) {
    throw new Fault(409, `Cannot 'get metadata' instance ${server.id} while it is in vm_state ${server.vmState}`);
  }
}

/** Quota check, then commit (a mutant may commit first); Nova checks before instance.save(). */
function checkQuotaAndCommit(ref: ReferenceContext, op: Operation, current: Metadata, next: Metadata, message: string, commit: (next: Metadata) => void): void {
  const { impl, quota } = ref;
  if (impl.storesBeforeQuotaCheck) commit(next);
  const count = impl.quotaCount(op, current, next);
  if (impl.enforcesQuota && count !== undefined && count > quota + impl.quotaOffByOne) throw new Fault(impl.quotaStatus, message);
  if (!impl.storesBeforeQuotaCheck) commit(next);
}

/** The deployment as it serves one server (a sequence mutant's per-server state; Nova: the same for every server). */
function servingServer(ref: ReferenceContext, serverId: string): ReferenceContext {
  const impl = ref.impl.forServer?.(serverId);
  return impl ? { ...ref, impl } : ref;
}

export function serverMetadata(deployment: ReferenceContext, rq: RequestContext, route: RouteOf<'server-meta'>, body: unknown): void {
  const ref = servingServer(deployment, route.serverId);
  const { impl, quota } = ref;
  const { op, key } = route;
  const early = impl.validatesBeforeLookup ? undefined : findServer(ref, route.serverId);
  const requested = op === 'replaceAll' || op === 'merge' ? validatedBody(impl, rq.api, body, 'collection') : op === 'setItem' ? validatedBody(impl, rq.api, body, 'item') : undefined;
  const server = early ?? findServer(ref, route.serverId);
  if (rq.role === 'reader' && op !== 'list' && op !== 'show') {
    throw new Fault(403, `Policy doesn't allow os_compute_api:server-metadata:${POLICY_ACTIONS[op]} to be performed.`);
  }
  const current = Object.fromEntries(server.metadata);
  const status = impl.versionedStatus(op, rq.version, impl.successStatus(op, rq.api));
  const quotaMessage = `Maximum number of metadata items exceeds ${quota}`;
  const commit = (next: Metadata) => {
    if (impl.persists) server.metadata = new Map(Object.entries(next));
  };
  switch (op) {
    case 'list':
      checkReadable(ref, server);
      return send(ref, rq, status, impl.collectionBody(impl.listView(current, rq.query)));
    case 'show': {
      checkReadable(ref, server);
      const found = impl.lookup(current, key!, 'show');
      if (found === undefined) throw new Fault(impl.absentKeyStatus('show'), 'Metadata item was not found');
      return send(ref, rq, status, impl.itemBody(found, current[found]!));
    }
    case 'replaceAll': {
      checkWritable(ref, server, op);
      const next = impl.replaceAll(current, requested!);
      checkQuotaAndCommit(ref, op, current, next, quotaMessage, commit);
      return send(ref, rq, status, impl.replaceBody(requested!, next));
    }
    case 'merge': {
      checkWritable(ref, server, op);
      const next = impl.merge(current, requested!);
      checkQuotaAndCommit(ref, op, current, next, quotaMessage, commit);
      return send(ref, rq, status, impl.mergeBody(requested!, next));
    }
    case 'setItem': {
      const [bodyKey, value] = Object.entries(requested!)[0]!;
      if (impl.checksUriBodyMismatch && bodyKey !== key) throw new Fault(400, 'Request body and URI mismatch');
      checkWritable(ref, server, op);
      const next = impl.setItem(current, key!, value);
      checkQuotaAndCommit(ref, op, current, next, quotaMessage, commit);
      return send(ref, rq, status, impl.itemBody(bodyKey, value));
    }
    case 'deleteItem': {
      if (impl.lockCheckedBeforeKeyLookup) checkWritable(ref, server, op);
      const found = impl.lookup(current, key!, 'deleteItem');
      if (found === undefined) throw new Fault(impl.absentKeyStatus('deleteItem'), 'Metadata item was not found');
      checkWritable(ref, server, op);
      commit(impl.deleteItem(current, found));
      return send(ref, rq, status, undefined);
    }
  }
}
