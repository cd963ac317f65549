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
 * - connections are kept alive until a request is seen queued behind them (`tiesWorkers`, below): a front end
 *   that ties each of its few workers to one kept-alive connection (uwsgi's `http11-socket`) leaves a further
 *   connection unaccepted, its request unanswered, for as long as the lanes keep the served connections busy;
 *   from then on that origin too gets a connection of its own per request (`fresh`), which the front end closes
 *   after its answer, so that every connection reaches a worker in its turn;
 * - a replayable request (GET, HEAD, OPTIONS, PUT) reset before any answer is sent again (client.ts).
 */

interface OriginStats {
  /** Requests answered (headers received). */
  answered: number;
  /** Kept-alive connections the server closed ("other side closed"). */
  serverCloses: number;
  /** Set by the runner (it learned this before the tests) or once most answers were followed by a close. */
  closesAfterEachResponse: boolean;
  /** Set once a request through a kept-alive connection was left unanswered while later ones overtook it (see watchQueue). */
  tiesWorkers: boolean;
  /** Requests sent through `pooled` (numbers them, so that an answer knows which requests it overtook). */
  sent: number;
  /** Durations (ms to the headers) of the recent answers. */
  recent: number[];
  /** Requests through `pooled` in flight, each with its number and the later-sent answers that overtook it. */
  watched: Set<{ seq: number; overtaken: number }>;
}

const stats = new Map<string, OriginStats>();
let pooled: Agent | undefined;
let fresh: Agent | undefined;

function originOf(url: string): string {
  return new URL(url).origin;
}

function statsOf(origin: string): OriginStats {
  let s = stats.get(origin);
  if (!s) stats.set(origin, (s = { answered: 0, serverCloses: 0, closesAfterEachResponse: false, tiesWorkers: false, sent: 0, recent: [], watched: new Set() }));
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
  const s = statsOf(originOf(url));
  return s.closesAfterEachResponse || s.tiesWorkers ? freshAgent() : pooledAgent();
}

/**
 * A request through a kept-alive connection unanswered after this long (ms) and after this many times the
 * recent median, while at least QUEUED_OVERTAKEN requests sent after it were answered, may be queued: its
 * connection waiting for a worker that the other kept-alive connections hold. It is confirmed queued when,
 * once those connections are closed, it is answered within QUEUED_CONFIRM_MS (and that many times the median):
 * a request merely slow (a write waiting for the database) is answered in its own time instead.
 */
const QUEUED_AFTER_MS = 1_500;
const QUEUED_FACTOR = 8;
const QUEUED_OVERTAKEN = 8;
const QUEUED_CONFIRM_MS = 500;
const QUEUED_CONFIRM_FACTOR = 4;
const RECENT = 50;

/** When each released `pooled` agent was told to close its connections (performance.now()). */
const releasedAt = new WeakMap<Dispatcher, number>();

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * Watches a request just sent through `dispatcher` to `url`; call the returned function once it is answered
 * (`true`) or has failed. When it may be queued behind the kept-alive connections (above), this thread's
 * kept-alive connections are closed as soon as their requests are answered: the workers they held then take
 * the oldest connection the front end has not accepted, so the queued request is answered now, not when its
 * time is up. Answered at once after that, it was queued: the origin gets a connection per request from then
 * on (`tiesWorkers`). A request through `fresh` is not watched: each has a connection of its own, which the
 * front end accepts in its turn and closes after the answer.
 */
export function watchQueue(url: string, dispatcher: Dispatcher): (answered: boolean) => void {
  if (dispatcher !== pooled) return () => {};
  const s = statsOf(originOf(url));
  const entry = { seq: ++s.sent, overtaken: 0 };
  s.watched.add(entry);
  const started = performance.now();
  let suspected = false;
  let timer: NodeJS.Timeout | undefined;
  const check = () => {
    if (dispatcher !== pooled || s.tiesWorkers) return;
    const due = Math.max(QUEUED_AFTER_MS, QUEUED_FACTOR * medianOf(s.recent)) - (performance.now() - started);
    if (due <= 0 && entry.overtaken >= QUEUED_OVERTAKEN) {
      suspected = true;
      releaseKeptAlive();
      return;
    }
    timer = setTimeout(check, Math.max(due, 250));
    timer.unref();
  };
  timer = setTimeout(check, QUEUED_AFTER_MS);
  timer.unref();
  return (answered) => {
    clearTimeout(timer);
    s.watched.delete(entry);
    if (!answered) return;
    for (const w of s.watched) if (w.seq < entry.seq) w.overtaken++;
    const released = releasedAt.get(dispatcher);
    if (!suspected || released === undefined || s.tiesWorkers) return;
    if (performance.now() - released <= Math.max(QUEUED_CONFIRM_MS, QUEUED_CONFIRM_FACTOR * medianOf(s.recent))) {
      s.tiesWorkers = true;
      // the connections opened since the release would hold workers too
      releaseKeptAlive();
    }
  };
}

/** Closes the kept-alive connections once their requests are answered; the next requests open new ones. */
function releaseKeptAlive(): void {
  const closing = pooled;
  pooled = undefined;
  if (!closing) return;
  releasedAt.set(closing, performance.now());
  closing.close().catch(() => {});
}

/** Counts an answered request (headers received, after `durationMs`) for the origin's statistics. */
export function noteAnswered(url: string, durationMs?: number): void {
  const s = statsOf(originOf(url));
  s.answered++;
  if (durationMs === undefined) return;
  s.recent.push(durationMs);
  if (s.recent.length > RECENT) s.recent.shift();
}

/** What this thread learned about an origin's connections, to hand to the test workers. */
export interface ConnectionFacts {
  closesAfterEachResponse: boolean;
  serverCloses: number;
  tiesWorkers?: boolean;
}

export function connectionFacts(url: string): ConnectionFacts {
  const s = statsOf(originOf(url));
  return { closesAfterEachResponse: s.closesAfterEachResponse, serverCloses: s.serverCloses, tiesWorkers: s.tiesWorkers };
}

/** Takes over what the runner learned about an origin (the workers start where the runner left off). */
export function adoptConnectionFacts(url: string, facts: ConnectionFacts | undefined): void {
  if (!facts) return;
  const s = statsOf(originOf(url));
  s.closesAfterEachResponse ||= facts.closesAfterEachResponse;
  s.tiesWorkers ||= !!facts.tiesWorkers;
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
