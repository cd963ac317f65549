/**
 * nova/api/openstack/compute/servers.py ServersController (create, index, show, delete) and
 * views/servers.py: what the suite uses to boot, find, watch and delete its own server. A small part of
 * Nova's: boot checks only name, flavorRef and imageRef, and the view has the members the suite reads.
 */
import type { ReferenceContext, RequestContext } from '../context.ts';
import { Fault } from '../faults.ts';
import type { Server } from '../store.ts';
import { send } from '../wsgi.ts';
import { findServer } from './common.ts';

/** The server view the suite reads while booting and cleaning up (a small part of Nova's). */
function serverView(server: Server): unknown {
  const status = server.vmState === 'active' ? 'ACTIVE' : server.vmState === 'building' ? 'BUILD' : server.vmState.toUpperCase();
  return { id: server.id, name: server.name, status, locked: server.locked, metadata: Object.fromEntries(server.metadata), 'OS-EXT-STS:vm_state': server.vmState };
}

export function bootServer(ref: ReferenceContext, rq: RequestContext, body: unknown): void {
  const spec = (body as { server?: { name?: unknown; flavorRef?: unknown; imageRef?: unknown } } | null)?.server;
  if (!spec || typeof spec.name !== 'string' || typeof spec.flavorRef !== 'string' || typeof spec.imageRef !== 'string') {
    throw new Fault(400, "Invalid input: 'server' needs name, flavorRef and imageRef");
  }
  // a new server is BUILD on its first read and ACTIVE after that, as a real one becomes ACTIVE later
  const server = ref.store.createServer(ref.projectId, { name: spec.name, vmState: 'building' });
  setTimeout(() => (server.vmState = 'active'), 50).unref();
  send(ref, rq, 202, { server: { id: server.id, links: [] } });
}

export function listServers(ref: ReferenceContext, rq: RequestContext): void {
  const query = new URL(rq.req.url ?? '/', 'http://x').searchParams.get('name');
  let pattern: RegExp | undefined;
  try {
    pattern = query ? new RegExp(query) : undefined;
  } catch {
    throw new Fault(400, `Invalid name filter '${query}'`);
  }
  const servers = [...ref.store.servers.values()].filter((s) => s.projectId === ref.projectId && (!pattern || pattern.test(s.name)));
  send(ref, rq, 200, { servers: servers.map((s) => ({ id: s.id, name: s.name, links: [] })) });
}

export function showServer(ref: ReferenceContext, rq: RequestContext, serverId: string): void {
  send(ref, rq, 200, { server: serverView(findServer(ref, serverId)) });
}

export function deleteServer(ref: ReferenceContext, rq: RequestContext, serverId: string): void {
  ref.store.servers.delete(findServer(ref, serverId).id);
  send(ref, rq, 204, undefined);
}
