import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { cleanEnv, ROOT, tempDir, type StandaloneReference } from './cli.ts';

/**
 * Helpers for the safety tests: CLI runs as processes that can be signalled and killed, a view of the
 * standalone reference's server (its metadata, lock and tags, read over HTTP, never through metaconform), and a
 * proxy in front of the reference that can hold, drop or stop answering requests.
 */

/** A server at the metadata quota (128 items): the original a run must put back exactly. */
export const ORIGINAL: Record<string, string> = Object.fromEntries(Array.from({ length: 128 }, (_, i) => [`orig-${String(i).padStart(3, '0')}`, `value ${i} é ✓`]));

export interface Run {
  child: ChildProcess;
  /** Exit code (signals give 128 + n through the CLI's own exit; a SIGKILL gives null). */
  exited: Promise<number | null>;
  output(): string;
  resultsDir: string;
  alive(): boolean;
}

/** Starts `metaconform <args>` as its own process. */
export function startCli(args: string[], env: Record<string, string>): Run {
  const resultsDir = env.METACONFORM_RESULTS_DIR ?? join(tempDir('safety-results'), 'r');
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'metaconform.mjs'), ...args], {
    cwd: tempDir('safety-cwd'),
    env: cleanEnv({ METACONFORM_RESULTS_DIR: resultsDir, ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, exited, output: () => out, resultsDir, alive: () => child.exitCode === null && child.signalCode === null };
}

/** Runs `metaconform <args>` to its end. */
export async function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string; resultsDir: string }> {
  const run = startCli(args, env);
  const code = await run.exited;
  return { code, output: run.output(), resultsDir: run.resultsDir };
}

/** Polls until the condition holds; fails with the run's output when it never does (or the run ended first). */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, run?: Run, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline || (run && !run.alive())) throw new Error(`never reached "${what}"${run ? `: ${run.output().slice(-1500)}` : ''}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The standalone reference's server, seen directly (not through a proxy). */
export function serverView(ref: StandaloneReference) {
  const server = `${ref.settings.METACONFORM_COMPUTE_URL}/${ref.settings.OS_PROJECT_ID}/servers/${ref.settings.METACONFORM_SERVER_ID}`;
  const call = async (method: string, path: string, body?: unknown, version = '2.26') => {
    const res = await fetch(`${server}${path}`, {
      method,
      headers: { 'X-Auth-Token': ref.token, 'OpenStack-API-Version': `compute ${version}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  };
  const view = {
    metadata: async () => ((await call('GET', '/metadata')) as { metadata: Record<string, string> }).metadata,
    locked: async () => ((await call('GET', '', undefined, '2.9')) as { server: { locked: boolean } }).server.locked,
    tags: async () => ((await call('GET', '/tags')) as { tags: string[] }).tags,
    setTags: async (tags: string[]) => void (await call('PUT', '/tags', { tags })),
    setMetadata: async (metadata: Record<string, string>) => void (await call('PUT', '/metadata', { metadata })),
    lock: async () => void (await call('POST', '/action', { lock: null })),
    unlock: async () => void (await call('POST', '/action', { unlock: null })),
    /** Puts the server back to the original, unlocked and without tags (between tests). */
    reset: async () => {
      await view.unlock();
      await call('PUT', '/tags', { tags: [] });
      await call('PUT', '/metadata', { metadata: ORIGINAL });
    },
    isOriginal: async () => JSON.stringify(Object.entries(await view.metadata()).sort()) === JSON.stringify(Object.entries(ORIGINAL).sort()),
  };
  return view;
}

/** The run journals (not their locks files) in a state folder. */
export function journalsIn(stateDir: string): string[] {
  return existsSync(stateDir) ? readdirSync(stateDir).filter((f) => /^journal-[0-9a-f]+\.json$/.test(f)).map((f) => join(stateDir, f)) : [];
}

export function readJson<T = Record<string, unknown>>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

export interface Request {
  method: string;
  path: string;
  body: string;
}

export interface Held extends Request {
  /** Sends it on to the reference (and its answer back). */
  release(): void;
  /** Closes the connection without an answer; the reference never sees the request. */
  drop(): void;
}

export interface ControlProxy {
  /** The proxy's compute URL (METACONFORM_COMPUTE_URL). */
  computeUrl: string;
  /** Every request it got, in order, with the status it answered (undefined: held, dropped or hanging). */
  log: (Request & { status?: number })[];
  /** Requests matching are held until released or dropped (all of them while `hanging`). */
  holdWhen(match: ((r: Request) => boolean) | undefined): void;
  held: Held[];
  /** From now on no request is answered (or forwarded). */
  hang(): void;
  /** Stop answering once a request matching this was answered with this status class. */
  hangAfter(match: (r: Request, status: number) => boolean): void;
  hanging: boolean;
  /** Answer again: requests left hanging are dropped, new ones forwarded. */
  resume(): void;
  stop(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A proxy in front of a compute endpoint that forwards requests as they are, unless told to hold them or to hang. */
export async function startControlProxy(upstreamComputeUrl: string): Promise<ControlProxy> {
  const origin = new URL(upstreamComputeUrl);
  let holdMatch: ((r: Request) => boolean) | undefined;
  let hangMatch: ((r: Request, status: number) => boolean) | undefined;
  const hangingOn: ServerResponse[] = [];
  const state = { hanging: false };
  const log: ControlProxy['log'] = [];
  const held: Held[] = [];
  const forward = (req: IncomingMessage, res: ServerResponse, sent: Buffer, entry: ControlProxy['log'][number]) => {
    const up = request({ host: origin.hostname, port: origin.port, method: req.method, path: req.url, headers: { ...req.headers, host: origin.host } }, (answer) => {
      void readBody(answer).then((body) => {
        if (state.hanging) return void hangingOn.push(res);
        entry.status = answer.statusCode;
        if (hangMatch?.(entry, answer.statusCode ?? 0)) {
          hangMatch = undefined;
          state.hanging = true;
        }
        const headers: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(answer.headers)) if (v !== undefined && !['content-length', 'transfer-encoding', 'connection'].includes(k)) headers[k] = v;
        res.writeHead(answer.statusCode ?? 502, headers);
        res.end(body);
      });
    });
    up.on('error', () => res.destroy());
    up.end(sent);
  };
  const server = createServer((req, res) => {
    void readBody(req).then((sent) => {
      const entry = { method: req.method ?? 'GET', path: req.url ?? '/', body: sent.toString('utf8') };
      log.push(entry);
      if (state.hanging) return void hangingOn.push(res);
      if (holdMatch?.(entry)) {
        held.push({ ...entry, release: () => forward(req, res, sent, entry), drop: () => res.destroy() });
        return;
      }
      forward(req, res, sent, entry);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  return {
    computeUrl: `http://127.0.0.1:${port}${origin.pathname}`,
    log,
    held,
    holdWhen: (match) => (holdMatch = match),
    hang: () => (state.hanging = true),
    hangAfter: (match) => (hangMatch = match),
    get hanging() {
      return state.hanging;
    },
    resume: () => {
      state.hanging = false;
      for (const res of hangingOn.splice(0)) res.destroy();
    },
    stop: () =>
      new Promise((resolve) => {
        for (const h of held.splice(0)) h.drop();
        for (const res of hangingOn.splice(0)) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
