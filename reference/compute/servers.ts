/**
 * nova/api/openstack/compute/servers.py ServersController (create, index, show, delete) and
 * views/servers.py: what the suite uses to boot, find, watch and delete its own server. A small part of
 * Nova's: boot checks only name, flavorRef and imageRef (and `tags` from 2.52), the list filters by name
 * (and by tags from 2.26), and the view has the members the suite reads (and `tags` from 2.26).
 */
import type { ReferenceContext, RequestContext } from '../context.ts';
import { Fault } from '../faults.ts';
import { compareVersion } from '../microversion.ts';
import type { Server } from '../store.ts';
import { send } from '../wsgi.ts';
import { findServer } from './common.ts';
import { tagList, tagsServed, validatedTags } from './server_tags.ts';

/** The server view the suite reads while booting and cleaning up (a small part of Nova's); `tags` from 2.26 (views/servers.py show). */
function serverView(rq: RequestContext, server: Server): unknown {
  const status = server.vmState === 'active' ? 'ACTIVE' : server.vmState === 'building' ? 'BUILD' : server.vmState.toUpperCase();
  return { id: server.id, name: server.name, status, locked: server.locked, metadata: Object.fromEntries(server.metadata), 'OS-EXT-STS:vm_state': server.vmState, ...(tagsServed(rq) ? { tags: tagList(server) } : {}) };
}

/** The create schema's `server.tags` (create_v252, from 2.52): validated; refused as an unexpected member below it on /v2.1, dropped on /v2 (legacy mode relaxes additionalProperties). */
function bootTags(rq: RequestContext, spec: Record<string, unknown>): string[] {
  if (!Object.hasOwn(spec, 'tags') || rq.api === 'v2') return [];
  if (compareVersion(rq.version, [2, 52]) < 0) throw new Fault(400, "Additional properties are not allowed ('tags' was unexpected)");
  return validatedTags('tags', spec.tags);
}

/** servers.py _get_servers, from 2.26: tags (all of), tags-any, not-tags (not all of), not-tags-any (none of), comma-separated. */
function tagFilter(rq: RequestContext, params: URLSearchParams): (server: Server) => boolean {
  if (!tagsServed(rq)) return () => true;
  const list = (name: string) => params.get(name)?.split(',');
  const [all, any, notAll, notAny] = [list('tags'), list('tags-any'), list('not-tags'), list('not-tags-any')];
  return (s) =>
    (!all || all.every((t) => s.tags.has(t))) &&
    (!any || any.some((t) => s.tags.has(t))) &&
    (!notAll || !notAll.every((t) => s.tags.has(t))) &&
    (!notAny || !notAny.some((t) => s.tags.has(t)));
}

export function bootServer(ref: ReferenceContext, rq: RequestContext, body: unknown): void {
  const spec = (body as { server?: { name?: unknown; flavorRef?: unknown; imageRef?: unknown } } | null)?.server;
  if (!spec || typeof spec.name !== 'string' || typeof spec.flavorRef !== 'string' || typeof spec.imageRef !== 'string') {
    throw new Fault(400, "Invalid input: 'server' needs name, flavorRef and imageRef");
  }
  const tags = bootTags(rq, spec);
  // a new server is BUILD on its first read and ACTIVE after that, as a real one becomes ACTIVE later
  const server = ref.store.createServer(ref.projectId, { name: spec.name, vmState: 'building', tags });
  setTimeout(() => (server.vmState = 'active'), 50).unref();
  send(ref, rq, 202, { server: { id: server.id, links: [] } });
}

export function listServers(ref: ReferenceContext, rq: RequestContext): void {
  const params = new URL(rq.req.url ?? '/', 'http://x').searchParams;
  const query = params.get('name');
  let pattern: RegExp | undefined;
  try {
    pattern = query ? new RegExp(query) : undefined;
  } catch {
    throw new Fault(400, `Invalid name filter '${query}'`);
  }
  const tagged = tagFilter(rq, params);
  const servers = [...ref.store.servers.values()].filter((s) => s.projectId === ref.projectId && (!pattern || pattern.test(s.name)) && tagged(s));
  send(ref, rq, 200, { servers: servers.map((s) => ({ id: s.id, name: s.name, links: [] })) });
}

export function showServer(ref: ReferenceContext, rq: RequestContext, serverId: string): void {
  send(ref, rq, 200, { server: serverView(rq, findServer(ref, serverId)) });
}

export function deleteServer(ref: ReferenceContext, rq: RequestContext, serverId: string): void {
  ref.store.deleteServer(findServer(ref, serverId).id);
  send(ref, rq, 204, undefined);
}
