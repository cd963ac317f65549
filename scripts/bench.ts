/**
 * npm run bench: measures a full conformance run (a script, not a test). Prints and writes results/bench.json:
 * wall time of the CLI run and of a trivial vitest run (the floor) and their ratio; HTTP requests, median and
 * p95 latency, wall ÷ (requests × median ÷ concurrency); requests per behaviour; servers booted and images
 * created on the target; the runner's peak RSS; where the time went (phases). Against the embedded reference
 * always, and against the endpoint configured in the environment (e.g. upstream Nova from targets/nova) when
 * METACONFORM_COMPUTE_URL is set.
 *
 * It also times a vitest run sending as many plain requests as the reference run did, checking nothing, and
 * the same run with none: the difference is what those requests cost by themselves on this machine, and the
 * floor plus that is the least any run sending them can take.
 *
 * Each figure is the median of BENCH_RUNS runs (default 3): small VMs are noisy, one run proves little.
 *
 * Latency as a real cloud has it: the suite also runs against the standalone reference through a proxy on
 * loopback that holds every request BENCH_LATENCIES ms (default 50 and 200) before passing it on, once each
 * (BENCH_LATENCY_RUNS), and reports wall ÷ (requests × latency ÷ the concurrency actually achieved).
 *
 * Many targets at once: BENCH_TARGETS (default 8; 0 skips) standalone references as clouds of one clouds.yaml,
 * all of them in one `metaconform run --cloud …` against one of them alone (the target: at most 3 ×).
 *
 * Requests per caught mutant: `metaconform mutants` once (its kill matrix and tests.json, every test's
 * requests); for each mutant, the requests of the tests that failed against it (the cheapest one, and all).
 *
 * A real Nova beside Tempest: when the production-shaped Nova of targets/nova/prod-up.sh is up (its env file,
 * BENCH_NOVA_ENV or /var/tmp/metaconform-nova-prod/env, exists and Keystone answers; BENCH_NOVA=0 skips it;
 * with BENCH_NOVA_ENV set it must be up), the whole catalogue is timed against both nova-api front ends (the
 * catalog's and the http11 one) with the reader credential, booting its own server (BENCH_NOVA_RUNS runs
 * each, default 1), and Tempest 33's server- and image-metadata tests on the same Nova
 * (targets/nova/bench/nova_bench.py tempest: a generated tempest.conf, concurrency 1); it reports both wall
 * times, suite ÷ Tempest, the tests and behaviours each checks (targets/nova/bench/tempest-behaviours.json
 * says which of the catalogue's behaviours each Tempest test judges), the requests, the load average while
 * they ran, and the servers and images the admin sees left behind by either.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunRecord } from '../lib/results/records.ts';
import { CATALOGUE } from '../catalogue/index.ts';

const ROOT = resolve(import.meta.dirname, '..');
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3) || 3);

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): { seconds: number; status: number | null; stderr: string } {
  const started = performance.now();
  const run = spawnSync(cmd, args, { cwd, env, encoding: 'utf8' });
  return { seconds: (performance.now() - started) / 1000, status: run.status, stderr: run.stderr };
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

const round = (n: number, digits = 2) => Number(n.toFixed(digits));

/** Writes a throw-away vitest project (file name → content) and hands its folder to `use`; removes it after. */
function withVitestProject<T>(files: Record<string, string>, use: (dir: string) => T): T {
  // inside the package, so that its imports (undici, vitest) resolve
  const cache = join(ROOT, 'node_modules', '.cache', 'metaconform');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'bench-'));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    return use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Median wall time of BENCH_RUNS `vitest run`s of the project in `dir`. */
function vitestSeconds(dir: string, what: string, env: NodeJS.ProcessEnv = {}): number {
  const vitest = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
  const runs = Array.from({ length: RUNS }, () => {
    const run = timed(process.execPath, [vitest, 'run', '--root', dir], { ...process.env, ...env }, dir);
    if (run.status !== 0) throw new Error(`the ${what} vitest run failed: ${run.stderr}`);
    return run.seconds;
  });
  return median(runs);
}

function floorSeconds(): number {
  const files = {
    'trivial.test.ts': "import { expect, test } from 'vitest';\ntest('trivial', () => expect(1).toBe(1));\n",
    'vitest.config.ts': "export default { test: { include: ['trivial.test.ts'] } };\n",
  };
  return withVitestProject(files, (dir) => vitestSeconds(dir, 'trivial'));
}

/**
 * What `requests` plain requests cost by themselves: a vitest run whose one test sends them (lists, merges,
 * item sets and deletes, 4 at a time) to the embedded reference started in vitest's main process, as a run
 * does, checking nothing, minus the same run sending none (what starting the reference there costs).
 */
function requestsAddSeconds(requests: number): number {
  const setup = `import { getProfile } from ${JSON.stringify(join(ROOT, 'profiles', 'index.ts'))};
import { startReference } from ${JSON.stringify(join(ROOT, 'reference', 'server.ts'))};
export default async function setup(project) {
  const ref = await startReference({ profile: getProfile('nova') });
  const ids = Array.from({ length: 4 }, () => ref.store.createServer(ref.projectId, { metadata: { a: '1' } }).id);
  project.provide('reference', { url: ref.url, token: ref.token, projectId: ref.projectId, ids });
  return () => ref.close();
}
`;
  const test = `import { Agent, request } from 'undici';
import { inject, test } from 'vitest';
test('requests only', async () => {
  const { url, token, projectId, ids } = inject('reference');
  const requests = Number(process.env.BENCH_REQUESTS);
  const agent = new Agent({ keepAliveTimeout: 10_000 });
  let sent = 0;
  await Promise.all(ids.map(async (id) => {
    const base = url + '/v2.1/' + projectId + '/servers/' + id + '/metadata';
    while (sent < requests) {
      const n = sent++;
      const key = 'k' + (n % 7);
      const [method, target, body] = [['GET', base], ['POST', base, { metadata: { [key]: 'v' } }], ['PUT', base + '/' + key, { meta: { [key]: 'v' } }], ['DELETE', base + '/' + key]][n % 4];
      const headers = { 'x-auth-token': token, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) };
      const res = await request(target, { method, headers, body: body && JSON.stringify(body), dispatcher: agent, signal: AbortSignal.timeout(30_000) });
      if (res.statusCode >= 500) throw new Error(method + ' ' + target + ' answered ' + res.statusCode);
      await res.body.text();
    }
  }));
  await agent.close();
});
`;
  const files = {
    'setup.ts': setup,
    'requests.test.ts': test,
    'vitest.config.ts': "export default { test: { include: ['requests.test.ts'], globalSetup: ['./setup.ts'], testTimeout: 300_000 } };\n",
  };
  return withVitestProject(files, (dir) => {
    const sending = vitestSeconds(dir, 'requests-only', { BENCH_REQUESTS: String(requests) });
    const none = vitestSeconds(dir, 'requests-only', { BENCH_REQUESTS: '0' });
    return Math.max(0, sending - none);
  });
}

interface Summary {
  exitCode: number;
  runner: { maxRssKb: number; concurrency: number; lanes: number; serversBooted: number; phases: { phase: string; ms: number }[] };
}

interface OneRun {
  seconds: number;
  status: number | null;
  record: RunRecord;
  summary: Summary;
}

function runOnce(env: NodeJS.ProcessEnv): OneRun {
  const results = mkdtempSync(join(tmpdir(), 'metaconform-bench-'));
  return readRun(results, timed(process.execPath, [join(ROOT, 'bin', 'metaconform.mjs'), 'run'], { ...env, METACONFORM_RESULTS_DIR: results }));
}

/** A run while this process serves something the run talks to (the delaying proxy): the event loop must go on. */
async function runOnceAsync(env: NodeJS.ProcessEnv): Promise<OneRun> {
  const results = mkdtempSync(join(tmpdir(), 'metaconform-bench-'));
  const started = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'metaconform.mjs'), 'run'], { env: { ...env, METACONFORM_RESULTS_DIR: results }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const status = await new Promise<number | null>((r) => child.on('close', r));
  return readRun(results, { seconds: (performance.now() - started) / 1000, status, stderr });
}

function readRun(results: string, run: { seconds: number; status: number | null; stderr: string }): OneRun {
  try {
    const record = JSON.parse(readFileSync(join(results, 'tests.json'), 'utf8')) as RunRecord;
    const summary = JSON.parse(readFileSync(join(results, 'summary.json'), 'utf8')) as Summary;
    return { seconds: run.seconds, status: run.status, record, summary };
  } catch {
    throw new Error(`the run wrote no results (exit ${run.status}): ${run.stderr.slice(0, 2000)}`);
  } finally {
    rmSync(results, { recursive: true, force: true });
  }
}

/** What every measured run reports: its latencies (sorted) and their median, requests per behaviour, the runner's facts, its phase marks. */
function figuresOf(run: OneRun) {
  const latencies = run.record.tests.flatMap((t) => t.requests ?? []).sort((a, b) => a - b);
  const perBehaviour: Record<string, number> = {};
  for (const t of run.record.tests) perBehaviour[t.behaviour] = (perBehaviour[t.behaviour] ?? 0) + (t.requests?.length ?? 0);
  const { concurrency, lanes, serversBooted, maxRssKb, phases } = run.summary.runner;
  const at = (name: string) => phases.find((p) => p.phase === name)?.ms;
  return { latencies, med: percentile(latencies, 50), perBehaviour, concurrency, lanes, serversBooted, maxRssKb, phases, at };
}

function measure(label: string, env: NodeJS.ProcessEnv) {
  runOnce(env); // warm-up: builds the CLI bundle and fills the file cache, as on any run but the first
  const runs = Array.from({ length: RUNS }, () => runOnce(env)).sort((a, b) => a.seconds - b.seconds);
  const mid = runs[Math.floor(runs.length / 2)]!;
  const { latencies, med, perBehaviour, concurrency, lanes, serversBooted, maxRssKb, phases, at } = figuresOf(mid);
  const testsStarted = at('tests started');
  const testsFinished = at('tests finished');
  const testSeconds = testsStarted !== undefined && testsFinished !== undefined ? (testsFinished - testsStarted) / 1000 : undefined;
  const requestSeconds = latencies.reduce((a, b) => a + b, 0) / 1000;
  return {
    target: label,
    exitCode: mid.status,
    runs: runs.length,
    wallSeconds: round(mid.seconds),
    wallSecondsAll: runs.map((r) => round(r.seconds)),
    tests: mid.record.tests.length,
    requests: latencies.length,
    medianMs: round(med),
    p95Ms: round(percentile(latencies, 95)),
    concurrency,
    lanes,
    /** The issue's figure: wall ÷ (requests × median latency ÷ METACONFORM_CONCURRENCY). */
    wallOverRequestTime: round(mid.seconds / ((latencies.length * med) / concurrency / 1000), 1),
    /** Requests in flight on average while the tests ran (sum of latencies ÷ test time). */
    meanInFlight: testSeconds ? round(requestSeconds / testSeconds, 1) : undefined,
    /** The same figure with the concurrency the target's lanes allowed (mean in flight, at least 1). */
    wallOverRequestTimeAtLanes: testSeconds ? round(mid.seconds / ((latencies.length * med) / Math.max(1, requestSeconds / testSeconds) / 1000), 1) : undefined,
    /** Wall time ÷ the time the tests ran: what start-up, loading and reports add around the tests. */
    wallOverTestTime: testSeconds ? round(mid.seconds / testSeconds, 2) : undefined,
    serversBooted,
    peakRssMb: round(maxRssKb / 1024, 0),
    phases,
    requestsPerBehaviour: perBehaviour,
  };
}

/** Samples the 1-minute load average every 5 s while `work` runs: what else the machine was doing meanwhile. */
async function underLoad<T>(work: () => Promise<T>): Promise<{ value: T; load: { before: number; mean: number; max: number; after: number } }> {
  const before = loadavg()[0]!;
  const samples: number[] = [];
  const timer = setInterval(() => samples.push(loadavg()[0]!), 5000);
  try {
    const value = await work();
    const after = loadavg()[0]!;
    const all = samples.length ? samples : [after];
    return { value, load: { before: round(before), mean: round(all.reduce((a, b) => a + b, 0) / all.length), max: round(Math.max(...all)), after: round(after) } };
  } finally {
    clearInterval(timer);
  }
}

/** Runs a command without blocking the event loop (the load sampler goes on); its stdout, stderr, status, wall. */
function runAsync(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): Promise<{ seconds: number; status: number | null; stdout: string; stderr: string }> {
  const started = performance.now();
  const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((done) => child.on('close', (status) => done({ seconds: (performance.now() - started) / 1000, status, stdout, stderr })));
}

/** The summary of a full run against a real target: what `measure` says, and its verdict. */
interface SummaryFile extends Summary {
  counts: Record<string, number>;
  verdict: string;
  target: string;
}

/**
 * `runs` full runs against a real target, one after another, with the load average sampled meanwhile (no
 * warm-up: the reference runs before built the CLI bundle). The median run's figures, as `measure` gives.
 */
async function measureReal(label: string, env: NodeJS.ProcessEnv, runs: number) {
  const done: (OneRun & { verdict: string; counts: Record<string, number>; load: Awaited<ReturnType<typeof underLoad>>['load'] })[] = [];
  for (let i = 0; i < runs; i++) {
    const results = mkdtempSync(join(tmpdir(), 'metaconform-bench-'));
    const { value: run, load } = await underLoad(() => runAsync(process.execPath, [join(ROOT, 'bin', 'metaconform.mjs'), 'run'], { ...env, METACONFORM_RESULTS_DIR: results }));
    let summary: SummaryFile;
    try {
      summary = JSON.parse(readFileSync(join(results, 'summary.json'), 'utf8')) as SummaryFile;
    } catch {
      rmSync(results, { recursive: true, force: true });
      throw new Error(`the run against ${label} wrote no results (exit ${run.status}): ${run.stderr.slice(0, 2000)}`);
    }
    const one = readRun(results, run);
    done.push({ ...one, verdict: summary.verdict, counts: summary.counts, load });
  }
  done.sort((a, b) => a.seconds - b.seconds);
  const mid = done[Math.floor(done.length / 2)]!;
  const { latencies, med, perBehaviour, concurrency, lanes, serversBooted, maxRssKb, phases, at } = figuresOf(mid);
  const testSeconds = ((at('tests finished') ?? 0) - (at('tests started') ?? 0)) / 1000;
  const requestSeconds = latencies.reduce((a, b) => a + b, 0) / 1000;
  return {
    target: label,
    exitCode: mid.status,
    verdict: mid.verdict,
    counts: mid.counts,
    runs: done.length,
    wallSeconds: round(mid.seconds),
    wallSecondsAll: done.map((r) => round(r.seconds)),
    tests: mid.record.tests.length,
    behaviours: new Set(mid.record.tests.map((t) => t.behaviour)).size,
    requests: latencies.length,
    medianMs: round(med),
    p95Ms: round(percentile(latencies, 95)),
    concurrency,
    lanes,
    meanInFlight: testSeconds > 0 ? round(requestSeconds / testSeconds, 1) : undefined,
    wallOverRequestTime: med ? round(mid.seconds / ((latencies.length * med) / concurrency / 1000), 1) : undefined,
    /** Seconds from the start to the first test: logging in, the catalog, booting the run's own server. */
    targetReadySeconds: at('target ready') !== undefined ? round(at('target ready')! / 1000, 1) : undefined,
    testSeconds: round(testSeconds, 1),
    /** From the end of the tests to the end: the restore, deleting the booted server, the reports. */
    afterTestsSeconds: at('tests finished') !== undefined ? round(mid.seconds - at('tests finished')! / 1000, 1) : undefined,
    serversBooted,
    peakRssMb: round(maxRssKb / 1024, 0),
    loadAverage: mid.load,
    phases,
    requestsPerBehaviour: perBehaviour,
  };
}

/** A proxy on loopback that holds every request `delayMs` before passing it on to `upstream` (a root URL). */
async function delayingProxy(upstream: string, delayMs: number): Promise<{ url: string; server: Server }> {
  const origin = new URL(upstream);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      setTimeout(() => {
        const forward = httpRequest({ host: origin.hostname, port: origin.port, method: req.method, path: req.url, headers: { ...req.headers, host: origin.host } }, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        });
        forward.on('error', () => res.destroy());
        forward.end(Buffer.concat(chunks));
      }, delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** Starts bin/reference.mjs as its own process; resolves with its settings, its Keystone's and a stop function. */
function standaloneReference(token: string, secrets: Record<string, string> = {}): Promise<{ settings: Record<string, string>; keystone: Record<string, string>; stop: () => void }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'reference.mjs')], { env: { ...process.env, METACONFORM_REFERENCE_TOKEN: token, ...secrets }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) {
        const { keystone, tokenFile: _t, ...settings } = JSON.parse(line) as Record<string, string> & { keystone: Record<string, string> };
        done({ settings, keystone, stop: () => child.kill('SIGTERM') });
      }
    });
    child.once('exit', (code) => fail(new Error(`the standalone reference exited ${code}`)));
  });
}

/** One run through a delaying proxy per latency: wall ÷ (requests × latency ÷ the concurrency achieved). */
async function latencyRuns(latencies: number[]): Promise<Record<string, unknown>[]> {
  const token = `bench-${process.pid}-token`;
  const ref = await standaloneReference(token);
  const out: Record<string, unknown>[] = [];
  try {
    for (const delay of latencies) {
      const root = ref.settings.METACONFORM_COMPUTE_URL!.replace(/\/v2\.1$/, '');
      const proxy = await delayingProxy(root, delay);
      try {
        const env = { ...reference, ...ref.settings, METACONFORM_COMPUTE_URL: `${proxy.url}/v2.1`, OS_TOKEN: token, METACONFORM_TARGET: 'endpoint', METACONFORM_STATE_DIR: mkdtempSync(join(tmpdir(), 'metaconform-bench-state-')) };
        const runs: OneRun[] = [];
        for (let i = 0; i < Math.max(1, Number(process.env.BENCH_LATENCY_RUNS ?? 1) || 1); i++) runs.push(await runOnceAsync(env));
        runs.sort((a, b) => a.seconds - b.seconds);
        const mid = runs[Math.floor(runs.length / 2)]!;
        const latenciesMs = mid.record.tests.flatMap((t) => t.requests ?? []);
        const requestSeconds = latenciesMs.reduce((a, b) => a + b, 0) / 1000;
        const at = (name: string) => mid.summary.runner.phases.find((p) => p.phase === name)?.ms;
        const testSeconds = ((at('tests finished') ?? 0) - (at('tests started') ?? 0)) / 1000;
        const achieved = testSeconds > 0 ? requestSeconds / testSeconds : 1;
        out.push({
          addedLatencyMs: delay,
          exitCode: mid.status,
          wallSeconds: round(mid.seconds),
          requests: latenciesMs.length,
          medianMs: round(percentile([...latenciesMs].sort((a, b) => a - b), 50)),
          achievedConcurrency: round(achieved, 1),
          /** The issue's figure: wall ÷ (requests × latency ÷ concurrency actually achieved). */
          wallOverRequestTime: round(mid.seconds / ((latenciesMs.length * (delay / 1000)) / Math.max(1, achieved)), 2),
          oneAtATimeSeconds: round((latenciesMs.length * delay) / 1000),
        });
      } finally {
        proxy.server.close();
      }
    }
  } finally {
    ref.stop();
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Many targets at once

/**
 * BENCH_TARGETS (default 8) standalone references, each its own cloud of a clouds.yaml (password login through
 * its Keystone, each run booting its own server): one of them alone (`--cloud t1`), then all of them in one
 * invocation (`--cloud t1,…,tN`, the default --targets-at-once), BENCH_TARGET_RUNS times each (default 1). The
 * issue's target: all of them in at most 3 × one target's wall time.
 */
async function manyTargets(count: number) {
  const password = `bench-${process.pid}-password`;
  const refs = await Promise.all(Array.from({ length: count }, (_, i) => standaloneReference(`bench-${process.pid}-target-${i}`, { METACONFORM_REFERENCE_PASSWORD: password })));
  const dir = mkdtempSync(join(tmpdir(), 'metaconform-bench-targets-'));
  try {
    const names = refs.map((_, i) => `t${i + 1}`);
    const entry = (k: Record<string, string>) =>
      `    auth:\n      auth_url: ${k.OS_AUTH_URL}\n      username: ${k.OS_USERNAME}\n      password: ${password}\n      user_domain_name: ${k.OS_USER_DOMAIN_NAME}\n      project_name: ${k.OS_PROJECT_NAME}\n      project_domain_name: ${k.OS_PROJECT_DOMAIN_NAME}\n`;
    writeFileSync(join(dir, 'clouds.yaml'), `clouds:\n${refs.map((r, i) => `  ${names[i]}:\n${entry(r.keystone)}`).join('')}`);
    const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(OS|METACONFORM)_/.test(name)));
    const env = { ...clean, OS_CLIENT_CONFIG_FILE: join(dir, 'clouds.yaml'), METACONFORM_FLAVOR: 'f', METACONFORM_BOOT_IMAGE: 'i', METACONFORM_NETWORK: 'none', METACONFORM_STATE_DIR: join(dir, 'state') };
    const timesOf = async (clouds: string[]) => {
      const seconds: number[] = [];
      let status: number | null = null;
      for (let i = 0; i < Math.max(1, Number(process.env.BENCH_TARGET_RUNS ?? 1) || 1); i++) {
        const results = mkdtempSync(join(tmpdir(), 'metaconform-bench-'));
        const run = await runAsync(process.execPath, [join(ROOT, 'bin', 'metaconform.mjs'), 'run', '--cloud', clouds.join(',')], { ...env, METACONFORM_RESULTS_DIR: results }, dir);
        rmSync(results, { recursive: true, force: true });
        if (run.status !== 0) throw new Error(`the run of ${clouds.length} target(s) exited ${run.status}: ${run.stderr.slice(0, 2000)}`);
        seconds.push(run.seconds);
        status = run.status;
      }
      seconds.sort((a, b) => a - b);
      return { wallSeconds: round(seconds[Math.floor(seconds.length / 2)]!), wallSecondsAll: seconds.map((x) => round(x)), exitCode: status };
    };
    const one = await timesOf(names.slice(0, 1));
    const all = await timesOf(names);
    return { targets: count, one, all, ratio: round(all.wallSeconds / one.wallSeconds), target: 3, met: all.wallSeconds / one.wallSeconds <= 3 };
  } finally {
    for (const r of refs) r.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Requests per caught mutant

/** Min, median, p90 and max of some counts. */
function spread(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { min: sorted[0] ?? 0, median: percentile(sorted, 50), p90: percentile(sorted, 90), max: sorted.at(-1) ?? 0 };
}

/**
 * `metaconform mutants` once; for each mutant, the requests of the tests that failed against it (what each
 * sent up to its failure): the cheapest catching test's, and all of theirs together; and their spread.
 */
function mutantRequests(env: NodeJS.ProcessEnv) {
  const dir = mkdtempSync(join(tmpdir(), 'metaconform-bench-mutants-'));
  try {
    // concurrency 8 as npm test runs it: the requests each test sends do not depend on it, the wall time does
    const run = timed(process.execPath, [join(ROOT, 'bin', 'metaconform.mjs'), 'mutants', '--results-dir', dir], { ...env, METACONFORM_CONCURRENCY: '8' });
    let matrix: { wallSeconds: number; rows: { name: string; kind: string; ok: boolean; failed: string[]; violates: string[] }[] };
    let record: RunRecord;
    try {
      matrix = JSON.parse(readFileSync(join(dir, 'kill-matrix.json'), 'utf8'));
      record = JSON.parse(readFileSync(join(dir, 'tests.json'), 'utf8')) as RunRecord;
    } catch {
      throw new Error(`metaconform mutants wrote no kill matrix (exit ${run.status}): ${run.stderr.slice(0, 2000)}`);
    }
    const mutants = matrix.rows
      .filter((r) => r.kind === 'mutant')
      .map((r) => {
        const catching = record.tests.filter((t) => t.target === r.name && t.outcome === 'failed');
        const requests = catching.map((t) => t.requests?.length ?? 0);
        const cheapest = catching[requests.indexOf(Math.min(...requests))];
        return {
          mutant: r.name,
          caught: catching.length > 0,
          behaviours: r.failed,
          tests: catching.length,
          /** The requests of the cheapest test that caught it (up to its failure). */
          minRequests: requests.length ? Math.min(...requests) : null,
          cheapestTest: cheapest ? `${cheapest.behaviour} ${cheapest.api}: ${cheapest.name}` : null,
          /** The requests of all the tests that caught it, together. */
          totalRequests: requests.reduce((a, b) => a + b, 0),
        };
      });
    const caught = mutants.filter((m) => m.caught);
    return {
      exitCode: run.status,
      wallSeconds: round(run.seconds),
      mutants: mutants.length,
      caught: caught.length,
      /**
       * Caught before any request of a test: the run's probe of the operations the target serves (a route
       * miss) fails the tests that need the missing operation, and they send nothing.
       */
      caughtWithoutRequests: caught.filter((m) => m.minRequests === 0).length,
      minRequests: spread(caught.map((m) => m.minRequests!)),
      totalRequests: spread(caught.map((m) => m.totalRequests)),
      /** How many mutants a test of at most N requests catches. */
      caughtWithin: Object.fromEntries([1, 2, 3, 5, 10, 20].map((n) => [n, caught.filter((m) => m.minRequests! <= n).length])),
      perMutant: mutants,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------
// The production-shaped Nova (targets/nova/prod-up.sh), and Tempest on it

const PYTHON = '/usr/bin/python3';
const NOVA_BENCH = join(ROOT, 'targets', 'nova', 'bench', 'nova_bench.py');
const NOVA_ENV_DEFAULT = '/var/tmp/metaconform-nova-prod/env';

interface FrontEnd {
  name: string;
  label: string;
  env: Record<string, string>;
}

/** The production-shaped Nova's front ends (the suite's settings for each), or why it is left out. */
function novaTarget(): { envFile: string; keystone: string; frontEnds: FrontEnd[] } | { skipped: string } {
  if (/^(0|off|no|false)$/i.test(process.env.BENCH_NOVA ?? '')) return { skipped: 'BENCH_NOVA=0' };
  const explicit = process.env.BENCH_NOVA_ENV;
  const file = explicit || NOVA_ENV_DEFAULT;
  const fail = (why: string) => {
    if (explicit) throw new Error(`BENCH_NOVA_ENV=${explicit}: ${why}`);
    return { skipped: why };
  };
  if (!existsSync(file)) return fail(`${file} does not exist (bash targets/nova/prod-up.sh stands the target up)`);
  if (!existsSync(PYTHON)) return fail(`${PYTHON} not found`);
  const run = spawnSync(PYTHON, [NOVA_BENCH, 'frontends', '--env', file], { encoding: 'utf8' });
  if (run.status !== 0) return fail(run.stderr.trim() || `nova_bench.py frontends exited ${run.status}`);
  return JSON.parse(run.stdout);
}

/** Every project's servers and every image, as the target's admin sees them (id → name). */
function adminView(envFile: string): { servers: Record<string, string>; images: Record<string, string> } {
  const run = spawnSync(PYTHON, [NOVA_BENCH, 'admin-view', '--env', envFile], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`nova_bench.py admin-view exited ${run.status}: ${run.stderr.slice(0, 1000)}`);
  return JSON.parse(run.stdout);
}

const appeared = (before: Record<string, string>, after: Record<string, string>) => Object.fromEntries(Object.entries(after).filter(([id]) => !(id in before)));

interface TempestRun {
  tempest: string;
  wallSeconds: number;
  wallSecondsOneInvocation: number;
  tests: number;
  passed: number;
  failed: number;
  skipped: number;
  requests: number;
  requestsPerService: Record<string, number>;
  leftBehind: { servers: Record<string, string>; images: Record<string, string> };
  invocations: { name: string; command: string; compute: Record<string, string>; exitCode: number | string; wallSeconds: number; startupSeconds: number | null; tests: number; results: Record<string, string>; requests: { total: number; perTest: Record<string, number> } }[];
  tempestConf: Record<string, string>;
}

type TempestResult = Exclude<Awaited<ReturnType<typeof tempestOn>>, { skipped: string }>;

/** Tempest's metadata tests on the same Nova, `runs` times (nova_bench.py tempest); the median run, by wall time. */
async function tempestOn(envFile: string, runs: number) {
  const done: (TempestRun & { exitCode: number | null; loadAverage: Awaited<ReturnType<typeof underLoad>>['load'] })[] = [];
  for (let i = 0; i < runs; i++) {
    const { value: run, load } = await underLoad(() => runAsync(PYTHON, [NOVA_BENCH, 'tempest', '--env', envFile], { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' }));
    if (run.status === 2 && !run.stdout.trim()) return { skipped: run.stderr.trim() };
    let parsed: TempestRun;
    try {
      parsed = JSON.parse(run.stdout) as TempestRun;
    } catch {
      throw new Error(`nova_bench.py tempest printed no result (exit ${run.status}): ${run.stderr.slice(0, 2000)}`);
    }
    done.push({ ...parsed, exitCode: run.status, loadAverage: load });
  }
  done.sort((a, b) => a.wallSecondsOneInvocation - b.wallSecondsOneInvocation);
  const mid = done[Math.floor(done.length / 2)]!;
  // which of the catalogue's behaviours each Tempest test judges
  const map = JSON.parse(readFileSync(join(ROOT, 'targets', 'nova', 'bench', 'tempest-behaviours.json'), 'utf8')) as {
    throughResponseSchemas: { behaviours: string[] };
    tests: Record<string, { kind: string; behaviours: string[] }>;
  };
  const ran = Object.entries(Object.assign({}, ...mid.invocations.map((i) => i.results)) as Record<string, string>).filter(([, r]) => r !== 'skipped');
  const unmapped = ran.filter(([name]) => !map.tests[name]).map(([name]) => name);
  const byAssertion = new Set(ran.flatMap(([name]) => map.tests[name]?.behaviours ?? []));
  const all = new Set([...byAssertion, ...(ran.length ? map.throughResponseSchemas.behaviours : [])]);
  const unknownIds = [...all].filter((id) => !CATALOGUE.some((b) => b.id === id));
  if (unknownIds.length) throw new Error(`tempest-behaviours.json names behaviours the catalogue does not have: ${unknownIds.join(', ')}`);
  const perTest: Record<string, number> = {};
  for (const inv of mid.invocations) for (const [test, n] of Object.entries(inv.requests.perTest)) perTest[test] = (perTest[test] ?? 0) + n;
  return {
    tempest: mid.tempest,
    exitCode: mid.exitCode,
    runs: done.length,
    /** Both `tempest run`s (one per microversion setting; see nova_bench.py). */
    wallSecondsTwoInvocations: mid.wallSeconds,
    /** The same less the smaller of the two start-ups: one `tempest run` of all the tests. */
    wallSeconds: mid.wallSecondsOneInvocation,
    wallSecondsAll: done.map((r) => r.wallSecondsOneInvocation),
    tests: mid.tests,
    passed: mid.passed,
    failed: mid.failed,
    skippedTests: mid.skipped,
    positiveTests: ran.filter(([name]) => map.tests[name]?.kind === 'positive').length,
    negativeTests: ran.filter(([name]) => map.tests[name]?.kind === 'negative').length,
    /** Behaviours of the catalogue Tempest's tests judge: by their assertions, and also through its response schemas. */
    behaviours: all.size,
    behavioursByAssertion: byAssertion.size,
    behaviourIds: [...all].sort(),
    unmappedTests: unmapped,
    requests: mid.requests,
    requestsPerService: mid.requestsPerService,
    requestsPerTest: perTest,
    leftBehind: mid.leftBehind,
    loadAverage: mid.loadAverage,
    invocations: mid.invocations.map(({ name, command, compute, exitCode, wallSeconds, startupSeconds, tests }) => ({ name, command, compute, exitCode, wallSeconds, startupSeconds, tests })),
    tempestConf: mid.tempestConf,
  };
}

/** The suite against each front end (admin view around each run), and Tempest on the same Nova. */
async function novaBench() {
  const target = novaTarget();
  if ('skipped' in target) return { skipped: target.skipped };
  const runs = Math.max(1, Number(process.env.BENCH_NOVA_RUNS ?? 1) || 1);
  // the target's settings and nothing else of this shell's: default settings, as an operator's first run
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(OS|METACONFORM)_/.test(name)));
  const suite: (Awaited<ReturnType<typeof measureReal>> & { frontEnd: string; appearedOnTarget: ReturnType<typeof adminView> })[] = [];
  let tempest: TempestResult | { skipped: string } | undefined;
  // Tempest between the two front ends: the machine's load drifts, so neither side gets all the quiet
  for (const fe of target.frontEnds) {
    const before = adminView(target.envFile);
    const r = await measureReal(fe.label, { ...clean, ...fe.env }, runs);
    const after = adminView(target.envFile);
    suite.push({ ...r, frontEnd: fe.name, appearedOnTarget: { servers: appeared(before.servers, after.servers), images: appeared(before.images, after.images) } });
    if (!tempest && !/^(0|off|no|false)$/i.test(process.env.BENCH_TEMPEST ?? '')) tempest = await tempestOn(target.envFile, runs);
  }
  const t = tempest && !('skipped' in tempest) ? tempest : undefined;
  const comparison = t
      ? suite.map((r) => ({
          frontEnd: r.frontEnd,
          suiteWallSeconds: r.wallSeconds,
          tempestWallSeconds: t.wallSeconds,
          /** suite ÷ Tempest (one `tempest run`); the issue's target is at most 0.9. */
          ratio: round(r.wallSeconds / t.wallSeconds),
          ratioTwoTempestInvocations: round(r.wallSeconds / t.wallSecondsTwoInvocations),
          target: 0.9,
          met: r.wallSeconds / t.wallSeconds <= 0.9,
          tests: { suite: r.tests, tempest: t.tests },
          behaviours: { suite: r.behaviours, tempest: t.behaviours },
          requests: { suite: r.requests, tempest: t.requests },
          requestsPerBehaviour: { suite: round(r.requests / r.behaviours, 1), tempest: round(t.requests / Math.max(1, t.behaviours), 1) },
        }))
      : [];
  return { envFile: target.envFile, keystone: target.keystone, runsEach: runs, suite, tempest: tempest ?? { skipped: 'BENCH_TEMPEST=0' }, comparison };
}

const floor = floorSeconds();
const base: NodeJS.ProcessEnv = { ...process.env };
const reference: NodeJS.ProcessEnv = { ...base, METACONFORM_TARGET: 'reference' };
// the endpoint's settings are not the reference's; with an endpoint configured, its profile and concurrency are its own too
const endpointSetting = (name: string) =>
  /^(METACONFORM_(COMPUTE_URL|[A-Z_]*SERVER_ID|IMAGE_ID|TOKEN)|OS_)/.test(name) || (process.env.METACONFORM_COMPUTE_URL !== undefined && /^METACONFORM_(PROFILE|CONCURRENCY)$/.test(name));
for (const name of Object.keys(reference)) if (endpointSetting(name)) delete reference[name];
const runs = [measure('embedded reference', reference)];
if (process.env.METACONFORM_COMPUTE_URL) runs.push(measure(`endpoint ${new URL(process.env.METACONFORM_COMPUTE_URL).host}`, base));
const latencies = (process.env.BENCH_LATENCIES ?? '50,200').split(',').map(Number).filter((n) => n > 0);
const withLatency = latencies.length ? await latencyRuns(latencies) : [];
const referenceRequests = runs[0]!.requests;
const requestsAdd = requestsAddSeconds(referenceRequests);
const targetCount = Number(process.env.BENCH_TARGETS ?? 8) || 0;
const many = targetCount > 1 ? await manyTargets(targetCount) : undefined;
const mutants = /^(0|off|no|false)$/i.test(process.env.BENCH_MUTANTS ?? '') ? undefined : mutantRequests(reference);
const nova = await novaBench();
const bench = {
  floorSeconds: round(floor),
  /**
   * What the reference run's requests cost by themselves: the seconds they add to a run that sends them
   * plainly and checks nothing, and the floor plus those seconds, the least any run sending them can take.
   */
  requestsOnly: { requests: referenceRequests, addSeconds: round(requestsAdd), floorPlusRequestsSeconds: round(floor + requestsAdd), overFloor: round((floor + requestsAdd) / floor) },
  runsEach: RUNS,
  runs: runs.map((r) => ({ ...r, overFloor: round(r.wallSeconds / floor) })),
  withLatency,
  /** BENCH_TARGETS standalone references in one invocation against one of them alone. */
  manyTargets: many ?? { skipped: `BENCH_TARGETS=${process.env.BENCH_TARGETS}` },
  /** Per mutant: the requests of the tests that caught it (the cheapest, all together), and their spread. */
  mutantRequests: mutants ?? { skipped: 'BENCH_MUTANTS=0' },
  /** The production-shaped Nova of targets/nova/prod-up.sh: the suite on both front ends, Tempest beside it. */
  nova,
};
mkdirSync(join(ROOT, 'results'), { recursive: true });
writeFileSync(join(ROOT, 'results', 'bench.json'), `${JSON.stringify(bench, null, 2)}\n`);
console.log(`trivial vitest run (floor): ${bench.floorSeconds} s (median of ${RUNS})`);
console.log(
  `${referenceRequests} plain requests to the embedded reference, checking nothing, add ${bench.requestsOnly.addSeconds} s to a vitest run: no run sending them takes less than ${bench.requestsOnly.floorPlusRequestsSeconds} s = ${bench.requestsOnly.overFloor} × floor`,
);
for (const r of bench.runs) {
  console.log(`\n${r.target} (exit ${r.exitCode}; median of ${r.runs} runs: ${r.wallSecondsAll.join(', ')} s)`);
  console.log(`  wall ${r.wallSeconds} s = ${r.overFloor} × floor; ${r.tests} tests, ${r.requests} requests`);
  console.log(`  latency median ${r.medianMs} ms, p95 ${r.p95Ms} ms; concurrency ${r.concurrency}, ${r.lanes} lanes, ${r.meanInFlight ?? '?'} requests in flight on average`);
  console.log(`  wall ÷ (requests × median ÷ concurrency ${r.concurrency}) = ${r.wallOverRequestTime}`);
  console.log(`  the same at the concurrency the lanes allowed (${r.meanInFlight ?? '?'} in flight) = ${r.wallOverRequestTimeAtLanes ?? '?'}; wall ÷ the time the tests ran = ${r.wallOverTestTime ?? '?'}`);
  console.log(`  servers booted ${r.serversBooted}, images created none (the suite only uses the configured image), runner peak RSS ${r.peakRssMb} MB`);
  let previous = 0;
  console.log('  phases (ms since the CLI process started):');
  for (const p of r.phases) {
    console.log(`    ${String(p.ms).padStart(6)} ms  (+${String(p.ms - previous).padStart(5)})  ${p.phase}`);
    previous = p.ms;
  }
  const per = Object.entries(r.requestsPerBehaviour).sort((a, b) => b[1] - a[1]);
  console.log(`  requests per behaviour: max ${per[0]?.[1]} (${per[0]?.[0]}), median ${per[Math.floor(per.length / 2)]?.[1]}; all in results/bench.json`);
}
for (const l of withLatency) {
  console.log(
    `\nstandalone reference through a proxy adding ${l.addedLatencyMs} ms a request (exit ${l.exitCode}): wall ${l.wallSeconds} s; ${l.requests} requests, ` +
      `${l.achievedConcurrency} in flight on average; wall ÷ (requests × latency ÷ concurrency achieved) = ${l.wallOverRequestTime}; one at a time they would take ${l.oneAtATimeSeconds} s`,
  );
}
if (many) {
  console.log(
    `\n${many.targets} standalone references in one invocation (--cloud t1,…,t${many.targets}, each booting its own server): ${many.all.wallSeconds} s; ` +
      `one of them alone ${many.one.wallSeconds} s; ratio ${many.ratio} (target ≤ ${many.target}: ${many.met ? 'met' : 'NOT met'})`,
  );
}
if (mutants) {
  const m = mutants;
  console.log(
    `\nrequests per caught mutant (metaconform mutants, ${m.wallSeconds} s, exit ${m.exitCode}): ${m.caught}/${m.mutants} caught; ` +
      `the cheapest catching test sent median ${m.minRequests.median} requests (min ${m.minRequests.min}, p90 ${m.minRequests.p90}, max ${m.minRequests.max}); ` +
      `${m.caughtWithoutRequests} of them caught by the probe of served operations before any test request; ` +
      `all catching tests together median ${m.totalRequests.median} (min ${m.totalRequests.min}, p90 ${m.totalRequests.p90}, max ${m.totalRequests.max}); ` +
      `caught by a test of at most 1/2/3/5/10/20 requests: ${Object.values(m.caughtWithin).join('/')}; per mutant in results/bench.json`,
  );
}
if ('skipped' in nova) {
  console.log(`\nproduction-shaped Nova: left out (${nova.skipped})`);
} else {
  for (const r of nova.suite) {
    console.log(`\n${r.target} (exit ${r.exitCode}; ${r.runs === 1 ? 'one run' : `median of ${r.runs} runs: ${r.wallSecondsAll.join(', ')} s`}): ${r.verdict}`);
    console.log(`  wall ${r.wallSeconds} s: ${r.targetReadySeconds} s to the first test (login, catalog, booting its server), tests ${r.testSeconds} s, ${r.afterTestsSeconds} s after (restore, delete, reports)`);
    console.log(`  ${r.tests} tests, ${r.behaviours} behaviours, ${r.requests} requests (${round(r.requests / r.behaviours, 1)} per behaviour); latency median ${r.medianMs} ms, p95 ${r.p95Ms} ms; ${r.meanInFlight} in flight on average (concurrency ${r.concurrency}, ${r.lanes} lanes)`);
    console.log(`  servers booted ${r.serversBooted}; left on the target (admin's view, any project): ${Object.keys(r.appearedOnTarget.servers).length} servers, ${Object.keys(r.appearedOnTarget.images).length} images; load average (1 min) ${r.loadAverage.before} before, mean ${r.loadAverage.mean}, max ${r.loadAverage.max}`);
  }
  const t = nova.tempest;
  if ('skipped' in t) console.log(`\nTempest: left out (${t.skipped})`);
  else {
    console.log(`\nTempest ${t.tempest} on the same Nova (catalog endpoint, concurrency 1; exit ${t.exitCode}; ${t.runs === 1 ? 'one run' : `median of ${t.runs}: ${t.wallSecondsAll.join(', ')} s`})`);
    console.log(`  wall ${t.wallSeconds} s as one tempest run (${t.wallSecondsTwoInvocations} s for its two: ${t.invocations.map((i) => `${i.name} ${i.wallSeconds} s, start-up ${i.startupSeconds} s`).join('; ')})`);
    console.log(`  ${t.tests} tests (${t.passed} passed, ${t.failed} failed, ${t.skippedTests} skipped; ${t.positiveTests} positive, ${t.negativeTests} negative), ${t.behaviours} of the catalogue's behaviours (${t.behavioursByAssertion} by assertion, the rest through its response schemas)`);
    console.log(`  ${t.requests} requests (${Object.entries(t.requestsPerService).map(([k, v]) => `${k} ${v}`).join(', ')}); left behind: ${Object.keys(t.leftBehind.servers).length} servers, ${Object.keys(t.leftBehind.images).length} images; load average (1 min) ${t.loadAverage.before} before, mean ${t.loadAverage.mean}, max ${t.loadAverage.max}`);
    for (const c of nova.comparison) {
      console.log(
        `  suite on front end (${c.frontEnd}) ÷ Tempest: ${c.suiteWallSeconds} s ÷ ${c.tempestWallSeconds} s = ${c.ratio} (target ≤ ${c.target}: ${c.met ? 'met' : 'NOT met'}; ÷ both tempest runs ${c.ratioTwoTempestInvocations}); ` +
          `tests ${c.tests.suite} vs ${c.tests.tempest}, behaviours ${c.behaviours.suite} vs ${c.behaviours.tempest}, requests ${c.requests.suite} vs ${c.requests.tempest}`,
      );
    }
  }
}
console.log('\nfigures written to results/bench.json');
