import { getBehaviour } from '../../catalogue/index.ts';
import { nova } from '../../profiles/nova.ts';
import type { Profile } from '../../profiles/types.ts';
import { MetadataClient } from '../../lib/clients/metadata-client.ts';
import type { ApiVersion } from '../../lib/config/endpoint.ts';
import { CheckedClient } from '../../lib/harness/checked.ts';
import { arranged, type ConformanceContext, type Operation } from '../../lib/harness/conformance.ts';
import type { Target } from '../../lib/harness/target.ts';
import { ServerErrorAnswer, type HttpClient, type SendOptions } from '../../lib/http/client.ts';
import type { Exchange } from '../../lib/http/exchange.ts';
import type { Metadata } from '../../lib/protocol.ts';

/**
 * A fake target for the harness's own tests: an in-memory metadata API behind a fake HTTP client (no server), with
 * the faults a helper must cope with switched on one by one, and a ConformanceContext over it whose arranging is
 * the harness's own (`arranged`). Every exchange is recorded, so a test can say what the helper sent.
 */

export const BASE = 'http://fake.test/v2.1/p0';
export const SERVER = 'srv-1';

/** The faults of the fake target, each off by default. */
export interface Faults {
  /** PUT {S} merges instead of replacing (keys not in the request stay). */
  putMerges?: boolean;
  /** GET {S} leaves these keys out of its answer (GET item still shows them). */
  listHides?: readonly string[];
  /** Operations that answer a route miss (404 with an HTML body). */
  unrouted?: readonly Operation[];
  /** Operations that answer 500 computeFault. */
  crash?: readonly Operation[];
  /** Keys refused with 400 badRequest by every write; `applyRefused`: applied anyway. */
  refuseKey?: (key: string) => boolean;
  applyRefused?: boolean;
  /** Refused writes answer this body instead of the Nova fault envelope. */
  refusalBody?: unknown;
  /** Every write is refused with 400, also a write of what is stored. */
  refuseEveryWrite?: boolean;
}

const ROUTE = /^(.*)\/servers\/([^/]+)\/metadata(?:\/([^/]*))?$/;

function exchange(method: string, url: string, status: number, body: unknown, sent?: string): Exchange {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  return { request: { method, url, headers: {}, ...(sent !== undefined ? { body: sent } : {}) }, response: { status, headers: { 'content-type': typeof body === 'string' ? 'text/html' : 'application/json' }, text }, durationMs: 0 };
}

const fault = (status: number, name: string, message: string) => ({ [name]: { code: status, message } });

/** The fake API: one store per server id; `sent` records every exchange in order. */
export class FakeTarget {
  readonly stores = new Map<string, Metadata>();
  readonly sent: Exchange[] = [];

  constructor(
    public faults: Faults = {},
    initial: Metadata = {},
  ) {
    this.stores.set(SERVER, { ...initial });
  }

  get stored(): Metadata {
    return { ...this.stores.get(SERVER)! };
  }

  /** Quacks like lib/http/client.ts's HttpClient: a 5xx is thrown as ServerErrorAnswer unless the request allows it. */
  readonly http = {
    send: async (method: string, url: string, opts: SendOptions = {}): Promise<Exchange> => {
      const body = opts.json !== undefined ? JSON.stringify(opts.json) : opts.body;
      const ex = this.answer(method, url, body);
      this.sent.push(ex);
      if (ex.response.status >= 500 && !opts.allow5xx) throw new ServerErrorAnswer(`${method} ${url} answered ${ex.response.status}`, ex);
      return ex;
    },
  } as unknown as HttpClient;

  private answer(method: string, url: string, sent: string | undefined): Exchange {
    const m = ROUTE.exec(url);
    const store = m ? this.stores.get(decodeURIComponent(m[2]!)) : undefined;
    if (!m) return exchange(method, url, 404, '<html>no route</html>', sent);
    const key = m[3] === undefined ? undefined : decodeURIComponent(m[3]);
    const routes: Record<string, Operation> = key === undefined ? { GET: 'list', PUT: 'replaceAll', POST: 'merge' } : { GET: 'show', PUT: 'setItem', DELETE: 'deleteItem' };
    const op: Operation | undefined = routes[method];
    if (!op || this.faults.unrouted?.includes(op)) return exchange(method, url, 404, '<html>The resource could not be found.</html>', sent);
    if (this.faults.crash?.includes(op)) return exchange(method, url, 500, fault(500, 'computeFault', 'Unexpected API Error.'), sent);
    if (!store) return exchange(method, url, 404, fault(404, 'itemNotFound', 'Instance could not be found.'), sent);
    let body: { metadata?: Metadata; meta?: Metadata } = {};
    if (sent !== undefined) {
      try {
        body = JSON.parse(sent) as typeof body;
      } catch {
        return exchange(method, url, 400, fault(400, 'badRequest', 'Malformed request body'), sent);
      }
    }
    const refuse = () => exchange(method, url, 400, this.faults.refusalBody ?? fault(400, 'badRequest', 'Invalid input for field/attribute metadata.'), sent);
    const written = op === 'setItem' ? body.meta : body.metadata;
    if (op === 'replaceAll' || op === 'merge' || op === 'setItem') {
      if (!written || typeof written !== 'object') return exchange(method, url, 400, fault(400, 'badRequest', "'metadata' is a required property"), sent);
      const badKey = Object.keys(written).some((k) => this.faults.refuseKey?.(k));
      const badValue = Object.values(written).some((v) => typeof v !== 'string');
      if (this.faults.refuseEveryWrite || badKey || badValue) {
        if (!this.faults.applyRefused || this.faults.refuseEveryWrite) return refuse();
        Object.assign(store, written);
        return refuse();
      }
    }
    switch (op) {
      case 'list':
        return exchange(method, url, 200, { metadata: Object.fromEntries(Object.entries(store).filter(([k]) => !this.faults.listHides?.includes(k))) }, sent);
      case 'show':
        return key! in store ? exchange(method, url, 200, { meta: { [key!]: store[key!] } }, sent) : exchange(method, url, 404, fault(404, 'itemNotFound', 'Metadata item was not found'), sent);
      case 'replaceAll':
        if (!this.faults.putMerges) for (const k of Object.keys(store)) delete store[k];
        Object.assign(store, written);
        return exchange(method, url, 200, { metadata: { ...store } }, sent);
      case 'merge':
        Object.assign(store, written);
        return exchange(method, url, 200, { metadata: { ...store } }, sent);
      case 'setItem':
        if (Object.keys(written!)[0] !== key) return exchange(method, url, 400, fault(400, 'badRequest', 'Request body and URI mismatch'), sent);
        Object.assign(store, written);
        return exchange(method, url, 200, { meta: written }, sent);
      case 'deleteItem':
        if (!(key! in store)) return exchange(method, url, 404, fault(404, 'itemNotFound', 'Metadata item was not found'), sent);
        delete store[key!];
        return exchange(method, url, 204, undefined, sent);
    }
  }
}

/** Thrown by the fake context's notApplicable (vitest's t.skip in a real test). */
export class NotApplicable extends Error {
  override readonly name = 'NotApplicable';
}

export interface FakeContextOptions {
  /** The behaviour the test checks (its rule decides which fault names are checked). */
  behaviour?: string;
  /** Operations the test judges (`requires`). */
  requires?: readonly Operation[];
  profile?: Profile;
  api?: ApiVersion;
}

/** A ConformanceContext over the fake target; `steps` records the names of the steps a helper took. */
export function fakeContext(fake: FakeTarget, opts: FakeContextOptions = {}): ConformanceContext & { steps: string[] } {
  const profile = opts.profile ?? nova;
  const api = opts.api ?? 'v2.1';
  const target = { id: 'fake', label: 'fake', kind: 'endpoint', root: 'http://fake.test', bases: { v2: 'http://fake.test/v2/p0', 'v2.1': BASE }, token: 't', projectId: 'p0', serverId: SERVER, profile: profile.name, timeoutMs: 1000 } as Target;
  const server = new MetadataClient(fake.http, BASE, 'servers', SERVER);
  const steps: string[] = [];
  const unrouted = () => fake.faults.unrouted ?? [];
  return {
    steps,
    behaviour: getBehaviour(opts.behaviour ?? 'SM-KEY-001'),
    api,
    bases: profile.bases,
    profile,
    target,
    http: fake.http,
    server,
    get ok() {
      return new CheckedClient(server, profile);
    },
    checked: (client) => new CheckedClient(client, profile),
    // what the runner's probe would have learned: a route miss is not served
    serves: (op) => profile.operations[op] && !unrouted().includes(op),
    judges: (op, client) => (opts.requires ?? []).includes(op) && (client?.resource ?? 'servers') === 'servers',
    serverId: SERVER,
    serverOn: () => server,
    serverById: (id) => new MetadataClient(fake.http, BASE, 'servers', id),
    image: undefined,
    imageOn: () => undefined,
    arrange: (what, body) => arranged(what, body),
    step: async (what, body) => {
      steps.push(what);
      return body();
    },
    notApplicable: (reason) => {
      throw new NotApplicable(reason);
    },
  };
}
