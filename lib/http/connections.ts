import { readFileSync } from 'node:fs';
import { Agent, type Dispatcher } from 'undici';

/** How HTTPS connections are made (OS_CACERT, OS_CERT/OS_KEY, OS_INSECURE; clouds.yaml cacert, cert, key, verify): files, read when used. */
export interface TlsSettings {
  /** A PEM bundle of the CAs to trust (instead of the system's). */
  ca?: string;
  /** A PEM client certificate and its key, for a front end that asks for one. */
  cert?: string;
  key?: string;
  /** Do not verify the server's certificate. */
  insecure?: boolean;
}

let tls: TlsSettings | undefined;

/** The TLS options of every connection this thread makes from now on (the runner and each test worker call it). */
export function configureTls(settings: TlsSettings | undefined): void {
  if (JSON.stringify(settings ?? null) === JSON.stringify(tls ?? null)) return;
  tls = settings;
  void closeConnections();
}

/** Whether this thread sends a client certificate on its HTTPS connections. */
export function sendsClientCertificate(): boolean {
  return !!tls?.cert;
}

function connectOptions(): Record<string, unknown> | undefined {
  if (!tls) return undefined;
  return {
    ...(tls.ca ? { ca: readFileSync(tls.ca) } : {}),
    ...(tls.cert ? { cert: readFileSync(tls.cert) } : {}),
    ...(tls.key ? { key: readFileSync(tls.key) } : {}),
    ...(tls.insecure ? { rejectUnauthorized: false } : {}),
  };
}

/**
 * The connections of this thread to the targets, and what each target's front end does with them.
 *
 * Real front ends differ: uwsgi's `--http-socket` (how Debian serves nova-api) closes the connection after each
 * response, a little after the response, so a kept-alive connection reused at once is reset; uwsgi's
 * `http11-socket` pins a worker to a kept-alive connection until its socket timeout; node's and many proxies'
 * idle timeouts close kept-alive connections on their own schedule. So, per origin:
 * - connections are kept alive (`pooled`) until the origin is seen closing them after most responses; from
 *   then on every request gets a connection of its own (`fresh`: undici's pipelining 0, no keep-alive);
 * - a replayable request (GET, HEAD, OPTIONS, PUT) reset before any answer is sent again (client.ts).
 */

interface OriginStats {
  /** Requests answered (headers received). */
  answered: number;
  /** Kept-alive connections the server closed ("other side closed"). */
  serverCloses: number;
  /** Set by the runner (it learned this before the tests) or once most answers were followed by a close. */
  closesAfterEachResponse: boolean;
}

const stats = new Map<string, OriginStats>();
let pooled: Agent | undefined;
let fresh: Agent | undefined;

function originOf(url: string): string {
  return new URL(url).origin;
}

function statsOf(origin: string): OriginStats {
  let s = stats.get(origin);
  if (!s) stats.set(origin, (s = { answered: 0, serverCloses: 0, closesAfterEachResponse: false }));
  return s;
}

/** Closes after at least this many answers, and after this share of them, mean "closes after each response". */
const CLOSES_SEEN = 3;
const CLOSE_SHARE = 0.6;

function pooledAgent(): Agent {
  if (pooled) return pooled;
  const connect = connectOptions();
  pooled = new Agent({ keepAliveTimeout: 4_000, keepAliveTimeoutThreshold: 1_000, connections: 16, ...(connect ? { connect } : {}) });
  pooled.on('disconnect', (origin, _targets, error) => {
    const code = (error as { code?: string } | undefined)?.code;
    if (code !== 'UND_ERR_SOCKET' && !/other side closed|ECONNRESET/i.test(String((error as Error | undefined)?.message))) return;
    const s = statsOf(typeof origin === 'string' ? origin : origin.origin);
    s.serverCloses++;
    if (s.serverCloses >= CLOSES_SEEN && s.serverCloses >= s.answered * CLOSE_SHARE) s.closesAfterEachResponse = true;
  });
  return pooled;
}

function freshAgent(): Agent {
  const connect = connectOptions();
  return (fresh ??= new Agent({ pipelining: 0, connections: 16, ...(connect ? { connect } : {}) }));
}

/** Methods a request can be sent again with, after a reset before its answer, without applying a write twice. */
export function replayable(method: string): boolean {
  return ['GET', 'HEAD', 'OPTIONS', 'PUT'].includes(method.toUpperCase());
}

/**
 * The dispatcher a request to `url` goes through (see the module comment). Not a fresh connection for every
 * write to an origin that merely closes idle connections: a front end that ties a worker to each kept-alive
 * connection (uwsgi http11-socket) would hold a fresh connection until an idle one times out.
 */
export function dispatcherFor(url: string): Dispatcher {
  return statsOf(originOf(url)).closesAfterEachResponse ? freshAgent() : pooledAgent();
}

/** Counts an answered request (headers received) for the origin's statistics. */
export function noteAnswered(url: string): void {
  statsOf(originOf(url)).answered++;
}

/** What this thread learned about an origin's connections, to hand to the test workers. */
export function connectionFacts(url: string): { closesAfterEachResponse: boolean; serverCloses: number } {
  const s = statsOf(originOf(url));
  return { closesAfterEachResponse: s.closesAfterEachResponse, serverCloses: s.serverCloses };
}

/** Takes over what the runner learned about an origin (the workers start where the runner left off). */
export function adoptConnectionFacts(url: string, facts: { closesAfterEachResponse: boolean; serverCloses: number } | undefined): void {
  if (!facts) return;
  const s = statsOf(originOf(url));
  s.closesAfterEachResponse ||= facts.closesAfterEachResponse;
  s.serverCloses = Math.max(s.serverCloses, facts.serverCloses);
}

/**
 * Closes this thread's kept-alive connections. The runner calls it before the tests start: a target whose
 * worker processes each serve one kept-alive connection at a time (uwsgi's http11-socket) would otherwise
 * stay busy with the runner's idle connection while a test's request waits for a free worker.
 */
export async function closeConnections(): Promise<void> {
  const closing = [pooled, fresh];
  pooled = undefined;
  fresh = undefined;
  await Promise.all(closing.map((a) => a?.close()));
}
