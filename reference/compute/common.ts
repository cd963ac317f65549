/**
 * nova/api/openstack/common.py get_instance (compute.API.get, scoped to the token's project): the server
 * a URL names, or 404 "Instance … could not be found.".
 */
import type { ReferenceContext } from '../context.ts';
import { Fault } from '../faults.ts';
import type { Server } from '../store.ts';

export function findServer(ref: ReferenceContext, serverId: string): Server {
  const { impl, store, projectId } = ref;
  const server = store.servers.get(serverId);
  if (!server || (impl.projectScoped && server.projectId !== projectId)) {
    // a mutant that never checks the server sees an unknown one as a server without metadata
    if (!impl.checksServerExists) return { id: serverId, name: 'unknown', projectId, metadata: new Map(), vmState: 'active', launched: true, locked: false, tags: new Set() };
    throw new Fault(404, `Instance ${serverId} could not be found.`);
  }
  return server;
}
