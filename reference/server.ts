/**
 * The reference implementation: a model of upstream Nova 26.2.2's compute API (node:http, in memory).
 * This file starts it and holds the pipeline a request goes through, as etc/nova/api-paste.ini composes
 * Nova's: the size limit and OPTIONS (reference/wsgi.ts), the URL map (/ → the versions, /v2 and /v2.1 →
 * the compute API, /identity → the reference's own Keystone), keystonemiddleware's authtoken (401), then
 * the router (reference/router.ts), the WSGI Resource (reference/wsgi.ts) and the controllers
 * (reference/compute/, one per file of nova/api/openstack/compute/).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Profile } from '../profiles/index.ts';
import { showVersion, listVersions } from './compute/versions.ts';
import type { ReferenceContext, RequestContext } from './context.ts';
import { serveIdentity } from './identity.ts';
import { correctImplementation, type Implementation } from './implementation.ts';
import { Keystone, type KeystoneUser } from './keystone.ts';
import { MIN_VERSION } from './microversion.ts';
import { dispatch, emptyBodyFor, matchRoute, unmatched } from './router.ts';
import { Store } from './store.ts';
import { options, readBody, requestIds, resource, routeMiss, tooLarge } from './wsgi.ts';

export { MAX_BODY_BYTES } from './wsgi.ts';

const HEX_PROJECT = /^[0-9a-f-]+$/;

export interface ReferenceOptions {
  profile: Profile;
  implementation?: Implementation;
  token?: string;
  /** Token of a reader-only user of the same project (policy: reads only). */
  readerToken?: string;
  projectId?: string;
  quota?: number;
  port?: number;
  /** The user of the Keystone it serves at /identity/v3 and /identity/v2.0 (a generated user unless given). */
  keystoneUser?: KeystoneUser;
  /** Lifetime of Keystone-issued tokens (default one hour). */
  tokenTtlMs?: number;
  /** Regions in which its Keystone's catalogs offer compute (default RegionOne); the first is the identity endpoint's. */
  regions?: readonly string[];
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

/** keystonemiddleware authtoken: the caller's role, or false after answering 401. */
function authenticate(ref: ReferenceContext, rq: RequestContext, host: string): boolean {
  const header = rq.req.headers['x-auth-token'];
  const given = Array.isArray(header) ? header.join(',') : header;
  if (given === ref.readerToken) rq.role = 'reader';
  else if (!ref.impl.authenticates(given, ref.token) && !ref.keystone.valid(given ?? '')) {
    const text = JSON.stringify(ref.impl.unauthorizedBody());
    rq.res.writeHead(401, { ...requestIds(ref, rq, 401), 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), 'www-authenticate': `Keystone uri="${host}/identity"` });
    rq.res.end(text);
    return false;
  }
  return true;
}

/** One request through the pipeline. */
async function handle(ref: ReferenceContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const rq: RequestContext = { req, res, requestId: `req-${randomUUID()}`, api: 'v2.1', version: MIN_VERSION, app: false, query: new URLSearchParams((req.url ?? '').split('?')[1] ?? ''), role: 'member' };
  const raw = await readBody(req);
  if (raw === 'too-large') return tooLarge(ref, rq);
  const method = req.method ?? 'GET';
  if (method === 'OPTIONS') return options(rq);
  const pathOnly = (req.url ?? '/').split('?')[0] ?? '/';
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathOnly);
  } catch {
    return routeMiss(ref, rq);
  }
  const segments = decoded.split('/').filter((s) => s.length > 0);
  const host = `http://${req.headers.host ?? '127.0.0.1'}`;
  if (segments.length === 0) {
    if (method !== 'GET') return routeMiss(ref, rq);
    return listVersions(ref, rq, host);
  }
  const first = segments[0];
  if (first === 'identity' && serveIdentity(ref, rq, segments, raw, host)) return;
  if (first !== 'v2' && first !== 'v2.1') return routeMiss(ref, rq);
  rq.api = first;
  if (!authenticate(ref, rq, host)) return;
  if (segments.length === 1) {
    if (method !== 'GET') return routeMiss(ref, rq);
    return showVersion(ref, rq, host);
  }
  let rest = segments.slice(1);
  let urlProject: string | undefined;
  if (rest[0] !== undefined && HEX_PROJECT.test(rest[0])) {
    urlProject = rest[0];
    rest = rest.slice(1);
  }
  // routes match whole segments: a trailing slash is a route miss (ground truth E19, H7)
  const trailingSlash = decoded.endsWith('/');
  const route = trailingSlash || (urlProject === undefined && !ref.impl.routesWithoutProject) ? undefined : matchRoute(ref, method, rest);
  if (!route) return unmatched(ref, rq, method, rest);
  return resource(ref, rq, { raw, urlProject, emptyBody: emptyBodyFor(ref, route), controller: (body) => dispatch(ref, rq, route, body) });
}

/** Starts the reference implementation on 127.0.0.1 (a random free port unless one is given). */
export async function startReference(options: ReferenceOptions): Promise<ReferenceServer> {
  const projectId = options.projectId ?? randomUUID().replaceAll('-', '');
  const token = options.token ?? randomBytes(16).toString('hex');
  const ref: ReferenceContext = {
    impl: options.implementation ?? correctImplementation(options.profile),
    token,
    readerToken: options.readerToken ?? randomBytes(16).toString('hex'),
    projectId,
    quota: options.quota ?? options.profile.quota.defaultLimit,
    store: new Store(),
    keystone: new Keystone({
      user: options.keystoneUser ?? Keystone.defaultUser(),
      projectId,
      projectName: 'metaconform',
      region: options.regions?.[0] ?? 'RegionOne',
      ...(options.regions?.length ? { regions: options.regions } : {}),
      tokenTtlMs: options.tokenTtlMs ?? 3_600_000,
      staticTokens: [token],
    }),
  };
  const http = createServer((req, res) => {
    handle(ref, req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`reference error: ${(err as Error).message}`);
      } else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token: ref.token,
    readerToken: ref.readerToken,
    projectId: ref.projectId,
    quota: ref.quota,
    store: ref.store,
    keystone: ref.keystone,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
