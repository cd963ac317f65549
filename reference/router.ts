/**
 * Routing, as nova/api/openstack/compute/routes.py (ROUTE_LIST, APIRouterV21) and the ProjectMapper of
 * nova/api/openstack/__init__.py map a path and method to a controller method: routes match whole
 * segments, with or without the project segment; a miss is webob's 404 page, never the Nova envelope.
 * Only the routes the reference models exist.
 */
import type { ReferenceContext, RequestContext } from './context.ts';
import type { Operation } from './implementation.ts';
import { imageMetadata } from './compute/image_metadata.ts';
import { showImage } from './compute/images.ts';
import { limits } from './compute/limits.ts';
import { serverAction } from './compute/lock_server.ts';
import { serverMetadata } from './compute/server_metadata.ts';
import { serverTags, type TagOperation } from './compute/server_tags.ts';
import { bootServer, deleteServer, listServers, showServer } from './compute/servers.ts';
import { routeMiss, send, sendFault } from './wsgi.ts';

export type Route =
  | { kind: 'server-meta'; op: Operation; serverId: string; key?: string }
  | { kind: 'image-meta'; op: Operation; imageId: string; key?: string }
  | { kind: 'server-action'; serverId: string }
  | { kind: 'server-tags'; op: TagOperation; serverId: string; tag?: string }
  | { kind: 'servers'; method: 'create' | 'list' }
  | { kind: 'server'; method: 'show' | 'delete'; serverId: string }
  | { kind: 'limits' }
  | { kind: 'image'; imageId: string };

export type RouteOf<K extends Route['kind']> = Extract<Route, { kind: K }>;

/** The route of a method and the path segments after the base and project, if one matches. */
export function matchRoute(ref: ReferenceContext, method: string, rest: string[]): Route | undefined {
  const [collection, id, sub, segment, ...extra] = rest;
  const key = segment === undefined ? undefined : ref.impl.urlKey(segment);
  if (collection === 'limits' && rest.length === 1 && method === 'GET') return { kind: 'limits' };
  if (collection === 'images' && id !== undefined && rest.length === 2 && method === 'GET') return { kind: 'image', imageId: id };
  if (collection === 'servers' && id === undefined) return method === 'POST' ? { kind: 'servers', method: 'create' } : method === 'GET' ? { kind: 'servers', method: 'list' } : undefined;
  if (collection === 'servers' && id !== undefined && sub === undefined) return method === 'GET' ? { kind: 'server', method: 'show', serverId: id } : method === 'DELETE' ? { kind: 'server', method: 'delete', serverId: id } : undefined;
  if ((collection !== 'servers' && collection !== 'images') || id === undefined || extra.length) return undefined;
  if (collection === 'servers' && sub === 'action' && key === undefined && method === 'POST') return { kind: 'server-action', serverId: id };
  if (collection === 'servers' && sub === 'tags') {
    // the tag is the percent-decoded segment as is (no Implementation hook: tags are mutant-free)
    const tagOps: Record<string, TagOperation> = segment === undefined ? { GET: 'index', PUT: 'update_all', DELETE: 'delete_all' } : { GET: 'show', PUT: 'update', DELETE: 'delete' };
    const tagOp = tagOps[method];
    return tagOp ? { kind: 'server-tags', op: tagOp, serverId: id, ...(segment !== undefined ? { tag: segment } : {}) } : undefined;
  }
  if (sub !== 'metadata') return undefined;
  const ops: Record<string, Operation> = key === undefined ? { GET: 'list', PUT: 'replaceAll', POST: 'merge' } : { GET: 'show', PUT: 'setItem', DELETE: 'deleteItem' };
  const op = ops[method];
  // a target that does not serve an operation at all: its route is missing (Implementation.routes)
  if (!op || !ref.impl.routes(op, collection === 'servers' ? 'servers' : 'images')) return undefined;
  return collection === 'servers' ? { kind: 'server-meta', op, serverId: id, key } : { kind: 'image-meta', op, imageId: id, key };
}

/** What an empty PUT/POST body becomes for a route (the implementation's decision; Nova: None). */
export function emptyBodyFor(ref: ReferenceContext, route: Route): unknown {
  if (route.kind === 'server-tags') return null;
  return ref.impl.emptyBody('key' in route && route.key !== undefined ? 'item' : 'collection');
}

/** Calls the controller method of a route. */
export async function dispatch(ref: ReferenceContext, rq: RequestContext, route: Route, body: unknown): Promise<void> {
  switch (route.kind) {
    case 'image':
      return showImage(ref, rq, route.imageId);
    case 'limits':
      return limits(ref, rq);
    case 'servers':
      return route.method === 'create' ? bootServer(ref, rq, body) : listServers(ref, rq);
    case 'server':
      return route.method === 'show' ? showServer(ref, rq, route.serverId) : deleteServer(ref, rq, route.serverId);
    case 'server-action':
      return serverAction(ref, rq, route.serverId, body);
    case 'server-tags':
      return serverTags(ref, rq, route, body);
    case 'server-meta':
      return serverMetadata(ref, rq, route, body);
    case 'image-meta':
      return imageMetadata(ref, rq, route, body);
  }
}

/** A request no route matches: webob's 404, unless the implementation treats unsupported methods on metadata URLs otherwise. */
export function unmatched(ref: ReferenceContext, rq: RequestContext, method: string, rest: string[]): void {
  const { impl } = ref;
  const [collection, id, sub, key, ...extra] = rest;
  const metadataUrl = (collection === 'servers' || collection === 'images') && id !== undefined && sub === 'metadata' && !extra.length;
  if (!metadataUrl || impl.unsupportedMethod === 'route-miss') return routeMiss(ref, rq);
  rq.app = true;
  if (impl.unsupportedMethod === 'method-not-allowed') return sendFault(ref, rq, 405, 'The method is not allowed for this resource.');
  if (impl.unsupportedMethod === 'delete-clears' && method === 'DELETE' && key === undefined && collection === 'servers') {
    const server = ref.store.servers.get(id);
    if (server && server.projectId === ref.projectId) server.metadata = new Map();
    return send(ref, rq, 204, undefined);
  }
  if (impl.unsupportedMethod === 'server-error') {
    return sendFault(ref, rq, 500, impl.unexpectedErrorMessage);
  }
  return routeMiss(ref, rq);
}
