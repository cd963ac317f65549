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
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunRecord } from '../lib/results/records.ts';

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

function measure(label: string, env: NodeJS.ProcessEnv) {
  runOnce(env); // warm-up: builds the CLI bundle and fills the file cache, as on any run but the first
  const runs = Array.from({ length: RUNS }, () => runOnce(env)).sort((a, b) => a.seconds - b.seconds);
  const mid = runs[Math.floor(runs.length / 2)]!;
  const latencies = mid.record.tests.flatMap((t) => t.requests ?? []).sort((a, b) => a - b);
  const med = percentile(latencies, 50);
  const perBehaviour: Record<string, number> = {};
  for (const t of mid.record.tests) perBehaviour[t.behaviour] = (perBehaviour[t.behaviour] ?? 0) + (t.requests?.length ?? 0);
  const { concurrency, lanes, serversBooted, maxRssKb, phases } = mid.summary.runner;
  const at = (name: string) => phases.find((p) => p.phase === name)?.ms;
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
    /** The figure: wall ÷ (requests × median latency ÷ METACONFORM_CONCURRENCY). */
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

/** Starts bin/reference.mjs as its own process; resolves with its settings and a stop function. */
function standaloneReference(token: string): Promise<{ settings: Record<string, string>; stop: () => void }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'reference.mjs')], { env: { ...process.env, METACONFORM_REFERENCE_TOKEN: token }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) {
        const { keystone: _k, tokenFile: _t, ...settings } = JSON.parse(line) as Record<string, string>;
        done({ settings, stop: () => child.kill('SIGTERM') });
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
          /** The figure: wall ÷ (requests × latency ÷ concurrency actually achieved). */
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
console.log('\nfigures written to results/bench.json');
