import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Profile } from '../profiles/index.ts';
import { Fault } from './faults.ts';
import { Keystone, type KeystoneUser } from './keystone.ts';
import { correctImplementation, type Implementation, type Metadata, type Operation } from './implementation.ts';
import { compareVersion, formatVersion, MAX_VERSION, MIN_VERSION, type Version } from './microversion.ts';
import { Store, WRITABLE_VM_STATES, type Server } from './store.ts';
import { validateBody } from './validation.ts';

/** oslo.middleware sizelimit default (max_request_body_size). */
export const MAX_BODY_BYTES = 114688;
const HEX_PROJECT = /^[0-9a-f-]+$/;
/** Glance core attributes the image proxy may write but that never show as properties (ground truth J19). */
const GLANCE_CORE_ATTRIBUTES = new Set(['min_ram', 'min_disk']);

export interface ReferenceOptions {
  profile: Profile;
  implementation?: Implementation;
  token?: string;
  /** Token of a reader-only user of the same project (policy: reads only). */
  readerToken?: string;
  projectId?: string;
  quota?: number;
  port?: number;
  /** The Keystone v3 it serves at /identity/v3 (a generated user unless given). */
  keystoneUser?: KeystoneUser;
  /** Lifetime of Keystone-issued tokens (default one hour). */
  tokenTtlMs?: number;
}

export interface ReferenceServer {
  url: string;
  token: string;
  readerToken: string;
  projectId: string;
  quota: number;
  store: Store;
  keystone: Keystone;
  close(): Promise<void>;
}

type Api = 'v2' | 'v2.1';

interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  api: Api;
  version: Version;
  /** Whether the response comes from the API app (and so carries microversion headers on /v2.1). */
  app: boolean;
  /** The request's query string (Nova's metadata routes ignore it). */
  query: URLSearchParams;
  /** The caller's role: a member (the main token) or a reader. */
  role: 'member' | 'reader';
}

/** Policy action names of the operations (nova/policies/server_metadata.py). */
const POLICY_ACTIONS: Record<Operation, string> = { list: 'index', show: 'show', replaceAll: 'update_all', merge: 'create', setItem: 'update', deleteItem: 'delete' };

/** Starts the reference implementation on 127.0.0.1 (a random free port unless one is given). */
export async function startReference(options: ReferenceOptions): Promise<ReferenceServer> {
  const impl = options.implementation ?? correctImplementation(options.profile);
  const token = options.token ?? randomBytes(16).toString('hex');
  const readerToken = options.readerToken ?? randomBytes(16).toString('hex');
  const projectId = options.projectId ?? randomUUID().replaceAll('-', '');
  const quota = options.quota ?? options.profile.quota.defaultLimit;
  const store = new Store();
  const keystone = new Keystone({ user: options.keystoneUser ?? Keystone.defaultUser(), projectId, projectName: 'metaconform', region: 'RegionOne', tokenTtlMs: options.tokenTtlMs ?? 3_600_000, staticTokens: [token] });
  const http = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`reference error: ${(err as Error).message}`);
      } else res.destroy();
    });
  });

  function send(ctx: Ctx, status: number, body: unknown, contentType = impl.successContentType): void {
    const headers: Record<string, string | string[]> = { ...requestIds(ctx, status) };
    if (ctx.app && impl.sendsVersionHeaders(ctx.api)) {
      headers['openstack-api-version'] = `compute ${formatVersion(ctx.version)}`;
      headers['x-openstack-nova-api-version'] = formatVersion(ctx.version);
      headers['vary'] = ['OpenStack-API-Version', 'X-OpenStack-Nova-API-Version'];
    }
    const text = body === undefined ? '' : JSON.stringify(impl.finishBody(ctx.api, body));
    headers['content-type'] = contentType;
    headers['content-length'] = String(Buffer.byteLength(text));
    ctx.res.writeHead(status, headers);
    ctx.res.end(text);
  }

  function requestIds(ctx: Ctx, status: number): Record<string, string> {
    return impl.requestIdOn(status) ? impl.requestIdHeaders(ctx.requestId) : {};
  }

  function sendFault(ctx: Ctx, status: number, message: string): void {
    send(ctx, status, impl.faultBody(status, message), 'application/json; charset=UTF-8');
  }

  /** webob's default page for a route miss or a middleware error: not the Nova envelope. */
  function sendWebob(ctx: Ctx, status: number, title: string, detail: string): void {
    const accept = String(ctx.req.headers['accept'] ?? '');
    const headers = { ...requestIds(ctx, status) };
    if (accept.includes('application/json')) {
      const text = JSON.stringify({ message: `${detail}<br /><br />\n\n\n`, code: `${status} ${title}`, title });
      ctx.res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
      ctx.res.end(text);
    } else {
      const text = `${status} ${title}\n\n${detail}\n\n`;
      ctx.res.writeHead(status, { ...headers, 'content-type': 'text/plain; charset=UTF-8', 'content-length': String(Buffer.byteLength(text)) });
      ctx.res.end(text);
    }
  }

  async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) return 'too-large';
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  function versionsDocument(base: string): unknown {
    const v21 = { id: 'v2.1', status: 'CURRENT', version: formatVersion(MAX_VERSION), min_version: formatVersion(MIN_VERSION), updated: '2013-07-23T11:33:21Z', links: [{ rel: 'self', href: `${base}/v2.1/` }] };
    const v2 = { id: 'v2.0', status: 'SUPPORTED', version: '', min_version: '', updated: '2011-01-21T11:33:21Z', links: [{ rel: 'self', href: `${base}/v2/` }] };
    return { v2, v21 };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ctx: Ctx = { req, res, requestId: `req-${randomUUID()}`, api: 'v2.1', version: MIN_VERSION, app: false, query: new URLSearchParams((req.url ?? '').split('?')[1] ?? ''), role: 'member' };
    const raw = await readBody(req);
    if (raw === 'too-large') {
      req.resume();
      return sendWebob(ctx, 413, 'Request Entity Too Large', `Request is too large. Larger than max_request_body_size (${MAX_BODY_BYTES}).`);
    }
    const method = req.method ?? 'GET';
    // OPTIONS is answered before the API app on any path: 200, empty, no Nova headers (ground truth H6)
    if (method === 'OPTIONS') {
      res.writeHead(200, { 'content-length': '0' });
      return void res.end();
    }
    const pathOnly = (req.url ?? '/').split('?')[0] ?? '/';
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathOnly);
    } catch {
      return sendWebob(ctx, 404, 'Not Found', 'The resource could not be found.');
    }
    const segments = decoded.split('/').filter((s) => s.length > 0);
    const host = `http://${req.headers.host ?? '127.0.0.1'}`;
    if (segments.length === 0) {
      if (method !== 'GET') return sendWebob(ctx, 404, 'Not Found', 'The resource could not be found.');
      const docs = versionsDocument(host) as { v2: unknown; v21: unknown };
      return send(ctx, 300, { versions: [docs.v2, docs.v21] });
    }
    const first = segments[0];
    if (first === 'identity' && segments.join('/') === 'identity/v3/auth/tokens' && method === 'POST') return identity(ctx, raw, host);
    if (first !== 'v2' && first !== 'v2.1') return sendWebob(ctx, 404, 'Not Found', 'The resource could not be found.');
    ctx.api = first;
    const header = req.headers['x-auth-token'];
    const given = Array.isArray(header) ? header.join(',') : header;
    if (given === readerToken) ctx.role = 'reader';
    else if (!impl.authenticates(given, token) && !keystone.valid(given ?? '')) {
      const text = JSON.stringify(impl.unauthorizedBody());
      res.writeHead(401, { ...requestIds(ctx, 401), 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), 'www-authenticate': `Keystone uri="${host}/identity"` });
      return void res.end(text);
    }
    if (segments.length === 1) {
      if (method !== 'GET') return sendWebob(ctx, 404, 'Not Found', 'The resource could not be found.');
      ctx.app = true;
      const docs = versionsDocument(host) as { v2: unknown; v21: unknown };
      return send(ctx, 200, { version: first === 'v2' ? docs.v2 : docs.v21 });
    }
    let rest = segments.slice(1);
    let urlProject: string | undefined;
    if (rest[0] !== undefined && HEX_PROJECT.test(rest[0])) {
      urlProject = rest[0];
      rest = rest.slice(1);
    }
    // routes match whole segments: a trailing slash is a route miss (ground truth E19, H7)
    const trailingSlash = decoded.endsWith('/');
    const route = trailingSlash || (urlProject === undefined && !impl.routesWithoutProject) ? undefined : matchRoute(method, rest);
    if (!route) return unmatched(ctx, method, rest);
    ctx.app = true;
    try {
      if (ctx.api === 'v2.1') {
        try {
          ctx.version = impl.requestedVersion(req.headers);
        } catch (e) {
          const echo = (e as { echo?: Version }).echo;
          if (echo) ctx.version = echo;
          // a malformed version never becomes the request's: that 400 carries no version headers (I6)
          else ctx.app = false;
          throw e;
        }
      }
      const accept = String(req.headers['accept'] ?? '');
      if (impl.refusesXmlAccept && accept.includes('xml') && !accept.includes('json')) throw new Fault(406, 'Not Acceptable');
      const contentType = String(req.headers['content-type'] ?? '').split(';')[0]!.trim();
      if (contentType === 'multipart/form-data') throw new Fault(500, impl.unexpectedErrorMessage);
      if (!impl.acceptsContentType(contentType, method)) throw new Fault(415, 'Unsupported Content-Type');
      let body: unknown = null;
      if (impl.methodsWithBody.includes(method)) {
        if (raw.length === 0) body = impl.emptyBody('key' in route && route.key !== undefined ? 'item' : 'collection');
        else {
          try {
            // ignoreBOM keeps a leading BOM in the text, so it is malformed JSON as in Nova (jsonutils.loads)
            body = impl.parseJson(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(raw));
          } catch {
            throw new Fault(impl.malformedBodyStatus, 'Malformed request body');
          }
        }
      }
      if (impl.projectMismatchStatus && urlProject !== undefined && urlProject !== projectId) {
        throw new Fault(impl.projectMismatchStatus, `Malformed request URL: URL's project_id '${urlProject}' doesn't match Context's project_id '${projectId}'`);
      }
      await dispatch(ctx, route, body);
    } catch (e) {
      if (e instanceof Fault) return sendFault(ctx, e.status, e.message);
      throw e;
    }
  }

  /** Keystone v3 token issue (POST /identity/v3/auth/tokens). */
  function identity(ctx: Ctx, raw: Buffer, host: string): void {
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      body = undefined;
    }
    const answer = keystone.authenticate(body, host);
    const text = JSON.stringify(answer.body ?? {});
    ctx.res.writeHead(answer.status, { ...answer.headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
    ctx.res.end(text);
  }

  /** A request no route matches: webob's 404, unless the implementation treats unsupported methods on metadata URLs otherwise. */
  function unmatched(ctx: Ctx, method: string, rest: string[]): void {
    const [collection, id, sub, key, ...extra] = rest;
    const metadataUrl = (collection === 'servers' || collection === 'images') && id !== undefined && sub === 'metadata' && !extra.length;
    if (!metadataUrl || impl.unsupportedMethod === 'route-miss') return sendWebob(ctx, 404, 'Not Found', 'The resource could not be found.');
    ctx.app = true;
    if (impl.unsupportedMethod === 'method-not-allowed') return sendFault(ctx, 405, 'The method is not allowed for this resource.');
    if (impl.unsupportedMethod === 'delete-clears' && method === 'DELETE' && key === undefined && collection === 'servers') {
      const server = store.servers.get(id);
      if (server && server.projectId === projectId) server.metadata = new Map();
      return send(ctx, 204, undefined);
    }
    if (impl.unsupportedMethod === 'server-error') {
      return sendFault(ctx, 500, impl.unexpectedErrorMessage);
    }
    return sendWebob(ctx, 404, 'Not Found', 'The resource could not be found.');
  }

  type Route =
    | { kind: 'server-meta'; op: Operation; serverId: string; key?: string }
    | { kind: 'image-meta'; op: Operation; imageId: string; key?: string }
    | { kind: 'server-action'; serverId: string }
    | { kind: 'servers'; method: 'create' | 'list' }
    | { kind: 'server'; method: 'show' | 'delete'; serverId: string }
    | { kind: 'limits' }
    | { kind: 'image'; imageId: string };

  function matchRoute(method: string, rest: string[]): Route | undefined {
    const [collection, id, sub, segment, ...extra] = rest;
    const key = segment === undefined ? undefined : impl.urlKey(segment);
    if (collection === 'limits' && rest.length === 1 && method === 'GET') return { kind: 'limits' };
    if (collection === 'images' && id !== undefined && rest.length === 2 && method === 'GET') return { kind: 'image', imageId: id };
    if (collection === 'servers' && id === undefined) return method === 'POST' ? { kind: 'servers', method: 'create' } : method === 'GET' ? { kind: 'servers', method: 'list' } : undefined;
    if (collection === 'servers' && id !== undefined && sub === undefined) return method === 'GET' ? { kind: 'server', method: 'show', serverId: id } : method === 'DELETE' ? { kind: 'server', method: 'delete', serverId: id } : undefined;
    if ((collection !== 'servers' && collection !== 'images') || id === undefined || extra.length) return undefined;
    if (collection === 'servers' && sub === 'action' && key === undefined && method === 'POST') return { kind: 'server-action', serverId: id };
    if (sub !== 'metadata') return undefined;
    const ops: Record<string, Operation> = key === undefined ? { GET: 'list', PUT: 'replaceAll', POST: 'merge' } : { GET: 'show', PUT: 'setItem', DELETE: 'deleteItem' };
    const op = ops[method];
    if (!op || !impl.routes(op, collection === 'servers' ? 'servers' : 'images')) return undefined;
    return collection === 'servers' ? { kind: 'server-meta', op, serverId: id, key } : { kind: 'image-meta', op, imageId: id, key };
  }

  async function dispatch(ctx: Ctx, route: Route, body: unknown): Promise<void> {
    switch (route.kind) {
      case 'image':
        return showImage(ctx, route.imageId);
      case 'limits':
        return send(ctx, 200, { limits: { rate: [], absolute: { maxServerMeta: quota, maxImageMeta: quota, maxPersonality: 5, maxPersonalitySize: 10240 } } });
      case 'servers':
        return route.method === 'create' ? bootServer(ctx, body) : listServers(ctx);
      case 'server':
        return route.method === 'show' ? showServer(ctx, route.serverId) : deleteServer(ctx, route.serverId);
      case 'server-action':
        return serverAction(ctx, route.serverId, body);
      case 'server-meta':
        return serverMetadata(ctx, route, body);
      case 'image-meta':
        return imageMetadata(ctx, route, body);
    }
  }

  function findServer(serverId: string): Server {
    const server = store.servers.get(serverId);
    if (!server || (impl.projectScoped && server.projectId !== projectId)) {
      // a mutant that never checks the server sees an unknown one as a server without metadata
      if (!impl.checksServerExists) return { id: serverId, name: 'unknown', projectId, metadata: new Map(), vmState: 'active', launched: true, locked: false };
      throw new Fault(404, `Instance ${serverId} could not be found.`);
    }
    return server;
  }

  /** GET /images/{id}: the image show proxy, removed at microversion 2.36 on /v2.1 (ground truth J32a, J32, J33). */
  function showImage(ctx: Ctx, imageId: string): void {
    if (ctx.api === 'v2.1' && compareVersion(ctx.version, [2, 35]) > 0) throw new Fault(404, 'The resource could not be found.');
    const image = store.images.get(imageId);
    if (!image) throw new Fault(404, 'Image not found.');
    send(ctx, 200, { image: { id: image.id, name: image.id, status: 'ACTIVE', progress: 100, minDisk: 0, minRam: 0, metadata: Object.fromEntries(image.properties), links: [] } });
  }

  /** The server view the suite reads while booting and cleaning up (a small part of Nova's). */
  function serverView(server: Server): unknown {
    const status = server.vmState === 'active' ? 'ACTIVE' : server.vmState === 'building' ? 'BUILD' : server.vmState.toUpperCase();
    return { id: server.id, name: server.name, status, locked: server.locked, metadata: Object.fromEntries(server.metadata), 'OS-EXT-STS:vm_state': server.vmState };
  }

  function bootServer(ctx: Ctx, body: unknown): void {
    const spec = (body as { server?: { name?: unknown; flavorRef?: unknown; imageRef?: unknown } } | null)?.server;
    if (!spec || typeof spec.name !== 'string' || typeof spec.flavorRef !== 'string' || typeof spec.imageRef !== 'string') {
      throw new Fault(400, "Invalid input: 'server' needs name, flavorRef and imageRef");
    }
    // a new server is BUILD on its first read and ACTIVE after that, as a real one becomes ACTIVE later
    const server = store.createServer(projectId, { name: spec.name, vmState: 'building' });
    setTimeout(() => (server.vmState = 'active'), 50).unref();
    send(ctx, 202, { server: { id: server.id, links: [] } });
  }

  function listServers(ctx: Ctx): void {
    const query = new URL(ctx.req.url ?? '/', 'http://x').searchParams.get('name');
    let pattern: RegExp | undefined;
    try {
      pattern = query ? new RegExp(query) : undefined;
    } catch {
      throw new Fault(400, `Invalid name filter '${query}'`);
    }
    const servers = [...store.servers.values()].filter((s) => s.projectId === projectId && (!pattern || pattern.test(s.name)));
    send(ctx, 200, { servers: servers.map((s) => ({ id: s.id, name: s.name, links: [] })) });
  }

  function showServer(ctx: Ctx, serverId: string): void {
    send(ctx, 200, { server: serverView(findServer(serverId)) });
  }

  function deleteServer(ctx: Ctx, serverId: string): void {
    store.servers.delete(findServer(serverId).id);
    send(ctx, 204, undefined);
  }

  function serverAction(ctx: Ctx, serverId: string, body: unknown): void {
    const server = findServer(serverId);
    const action = body && typeof body === 'object' && !Array.isArray(body) ? Object.keys(body)[0] : undefined;
    if ((action === 'lock' || action === 'unlock') && !impl.servesLock) throw new Fault(400, `Unsupported server action '${action}' in this implementation`);
    if (action === 'lock') server.locked = true;
    else if (action === 'unlock') server.locked = false;
    else throw new Fault(400, `Unsupported server action '${action ?? ''}' in the reference implementation`);
    ctx.res.writeHead(202, { ...requestIds(ctx, 202), 'content-length': '0' });
    ctx.res.end();
  }

  function validated(ctx: Ctx, body: unknown, kind: 'collection' | 'item', rules: Implementation = impl): Metadata {
    const result = validateBody(rules, { body, kind, legacy: ctx.api === 'v2' });
    if (!result.ok) throw new Fault(400, result.message);
    return result.map;
  }

  function checkWritable(server: Server, op: Operation): void {
    const verb = op === 'deleteItem' ? 'delete metadata' : 'update metadata';
    if (impl.enforcesLock && server.locked) throw new Fault(409, `Instance ${server.id} is locked`);
    if (impl.enforcesVmState && !(WRITABLE_VM_STATES as readonly string[]).includes(server.vmState)) {
      throw new Fault(409, `Cannot '${verb}' instance ${server.id} while it is in vm_state ${server.vmState}`);
    }
    if (impl.enforcesLaunched && !server.launched) throw new Fault(409, `Instance ${server.id} is in an invalid state for '${verb}'`);
  }

  function checkReadable(server: Server): void {
    if (impl.readsCheckLock && server.locked) throw new Fault(409, `Instance ${server.id} is locked`);
    if (impl.readsCheckVmState && !(WRITABLE_VM_STATES as readonly string[]).includes(server.vmState)) {
      throw new Fault(409, `Cannot 'get metadata' instance ${server.id} while it is in vm_state ${server.vmState}`);
    }
  }

  /** Quota check, then commit (a mutant may commit first); Nova checks before instance.save(). */
  function checkQuotaAndCommit(op: Operation, current: Metadata, next: Metadata, message: string, commit: (next: Metadata) => void): void {
    if (impl.storesBeforeQuotaCheck) commit(next);
    const count = impl.quotaCount(op, current, next);
    if (impl.enforcesQuota && count !== undefined && count > quota + impl.quotaOffByOne) throw new Fault(impl.quotaStatus, message);
    if (!impl.storesBeforeQuotaCheck) commit(next);
  }

  function serverMetadata(ctx: Ctx, route: Extract<Route, { kind: 'server-meta' }>, body: unknown): void {
    const { op, key } = route;
    const early = impl.validatesBeforeLookup ? undefined : findServer(route.serverId);
    const requested = op === 'replaceAll' || op === 'merge' ? validated(ctx, body, 'collection') : op === 'setItem' ? validated(ctx, body, 'item') : undefined;
    const server = early ?? findServer(route.serverId);
    if (ctx.role === 'reader' && op !== 'list' && op !== 'show') {
      throw new Fault(403, `Policy doesn't allow os_compute_api:server-metadata:${POLICY_ACTIONS[op]} to be performed.`);
    }
    const current = Object.fromEntries(server.metadata);
    const status = impl.versionedStatus(op, ctx.version, impl.successStatus(op, ctx.api));
    const quotaMessage = `Maximum number of metadata items exceeds ${quota}`;
    const commit = (next: Metadata) => {
      if (impl.persists) server.metadata = new Map(Object.entries(next));
    };
    switch (op) {
      case 'list':
        checkReadable(server);
        return send(ctx, status, impl.collectionBody(impl.listView(current, ctx.query)));
      case 'show': {
        checkReadable(server);
        const found = impl.lookup(current, key!, 'show');
        if (found === undefined) throw new Fault(impl.absentKeyStatus('show'), 'Metadata item was not found');
        return send(ctx, status, impl.itemBody(found, current[found]!));
      }
      case 'replaceAll': {
        checkWritable(server, op);
        const next = impl.replaceAll(current, requested!);
        checkQuotaAndCommit(op, current, next, quotaMessage, commit);
        return send(ctx, status, impl.replaceBody(requested!, next));
      }
      case 'merge': {
        checkWritable(server, op);
        const next = impl.merge(current, requested!);
        checkQuotaAndCommit(op, current, next, quotaMessage, commit);
        return send(ctx, status, impl.mergeBody(requested!, next));
      }
      case 'setItem': {
        const [bodyKey, value] = Object.entries(requested!)[0]!;
        if (impl.checksUriBodyMismatch && bodyKey !== key) throw new Fault(400, 'Request body and URI mismatch');
        checkWritable(server, op);
        const next = impl.setItem(current, key!, value);
        checkQuotaAndCommit(op, current, next, quotaMessage, commit);
        return send(ctx, status, impl.itemBody(bodyKey, value));
      }
      case 'deleteItem': {
        if (impl.lockCheckedBeforeKeyLookup) checkWritable(server, op);
        const found = impl.lookup(current, key!, 'deleteItem');
        if (found === undefined) throw new Fault(impl.absentKeyStatus('deleteItem'), 'Metadata item was not found');
        checkWritable(server, op);
        commit(impl.deleteItem(current, found));
        return send(ctx, status, undefined);
      }
    }
  }

  /** The microversion the image proxy is judged at: /v2.1's; none on /v2 (it ignores the header) unless a mutant says so. */
  function imageProxyVersion(ctx: Ctx): Version | undefined {
    if (ctx.api === 'v2.1') return ctx.version;
    if (!impl.imageProxyVersionedOnV2) return undefined;
    try {
      return impl.requestedVersion(ctx.req.headers);
    } catch {
      return undefined;
    }
  }

  /** nova/api/openstack/compute/image_metadata.py: version gate, schema, URI/body mismatch, then Glance. */
  function imageMetadata(ctx: Ctx, route: Extract<Route, { kind: 'image-meta' }>, body: unknown): void {
    const version = imageProxyVersion(ctx);
    if (version && compareVersion(version, impl.maxImageProxyMicroversion) > 0) {
      throw new Fault(404, 'The resource could not be found.');
    }
    const { op, key } = route;
    const rules = impl.imageValidates ? impl : { ...impl, keyValid: () => true, valueTypeValid: () => true, valueLength: () => 0 };
    const requested = op === 'replaceAll' || op === 'merge' ? validated(ctx, body, 'collection', rules) : op === 'setItem' ? validated(ctx, body, 'item', rules) : undefined;
    const mismatch = op === 'setItem' && impl.checksUriBodyMismatch && Object.keys(requested!)[0] !== key;
    if (mismatch && impl.imageMismatchBeforeLookup) throw new Fault(400, 'Request body and URI mismatch');
    const image = store.images.get(route.imageId) ?? (impl.imageChecksExistence ? undefined : { id: route.imageId, properties: new Map<string, string>() });
    if (!image) throw new Fault(404, 'Image not found.');
    if (mismatch) throw new Fault(400, 'Request body and URI mismatch');
    const current = Object.fromEntries(image.properties);
    const status = impl.successStatus(op, ctx.api);
    const checkImageQuota = (next: Metadata) => {
      const count = Object.keys(next).length;
      if (count > 0 && count > impl.imagePropertyLimit(quota)) throw new Fault(impl.profile.quota.status, 'Image metadata limit exceeded');
    };
    // Glance keeps its core attributes apart (J19: PUT item min_ram → 200, but it is no property afterwards)
    const glanceView = (next: Metadata): Metadata => Object.fromEntries(Object.entries(next).filter(([k]) => !GLANCE_CORE_ATTRIBUTES.has(k)));
    const commit = (next: Metadata) => {
      if (impl.persists) image.properties = new Map(Object.entries(glanceView(next)));
    };
    switch (op) {
      case 'list':
        return send(ctx, status, impl.imageListBody(current));
      case 'show': {
        const found = impl.lookup(current, key!);
        if (found === undefined) throw new Fault(impl.absentKeyStatus('show'), 'The resource could not be found.');
        return send(ctx, status, impl.imageItemBody(found, current[found]!));
      }
      case 'replaceAll': {
        // update_all counts the request map
        checkImageQuota(requested!);
        const next = impl.imageReplaceAll(current, requested!);
        commit(next);
        return send(ctx, status, impl.replaceBody(requested!, next));
      }
      case 'merge': {
        const next = impl.imageMerge(current, requested!);
        checkImageQuota(next);
        commit(next);
        return send(ctx, status, impl.imageMergeBody(requested!, glanceView(next)));
      }
      case 'setItem': {
        const [bodyKey, value] = Object.entries(requested!)[0]!;
        const next = impl.setItem(current, key!, value);
        checkImageQuota(next);
        commit(next);
        return send(ctx, status, impl.imageItemBody(bodyKey, value));
      }
      case 'deleteItem': {
        const found = impl.lookup(current, key!);
        if (found === undefined && impl.imageDeleteChecksKey) throw new Fault(impl.absentKeyStatus('deleteItem'), 'Invalid metadata key');
        commit(impl.deleteItem(current, found ?? key!));
        return send(ctx, status, undefined);
      }
    }
  }

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    readerToken,
    projectId,
    quota,
    store,
    keystone,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
