/**
 * npm run bench: measures a full conformance run (a script, not a test). Prints and writes results/bench.json:
 * wall time of the CLI run and of a trivial vitest run (the floor) and their ratio; HTTP requests, median and
 * p95 latency, wall ÷ (requests × median ÷ concurrency); requests per behaviour; servers and images the suite
 * created; the runner's peak RSS. Against the embedded reference always, and against the endpoint configured
 * in the environment (e.g. upstream Nova from targets/nova) when METACONFORM_COMPUTE_URL is set.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunRecord } from '../reporters/behaviour-reporter.ts';

const ROOT = resolve(import.meta.dirname, '..');
/** Requests are sent one at a time: tests share one server and run in one lane. */
const CONCURRENCY = 1;

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): { seconds: number; status: number | null; stderr: string } {
  const started = performance.now();
  const run = spawnSync(cmd, args, { cwd, env, encoding: 'utf8' });
  return { seconds: (performance.now() - started) / 1000, status: run.status, stderr: run.stderr };
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function floorSeconds(): number {
  const dir = mkdtempSync(join(tmpdir(), 'metaconform-floor-'));
  writeFileSync(join(dir, 'trivial.test.ts'), "import { expect, test } from 'vitest';\ntest('trivial', () => expect(1).toBe(1));\n");
  writeFileSync(join(dir, 'vitest.config.ts'), "export default { test: { include: ['trivial.test.ts'] } };\n");
  const vitest = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
  const run = timed(process.execPath, [vitest, 'run', '--root', dir], { ...process.env }, dir);
  if (run.status !== 0) throw new Error(`the trivial vitest run failed: ${run.stderr}`);
  return run.seconds;
}

interface BenchRun {
  target: string;
  exitCode: number | null;
  wallSeconds: number;
  tests: number;
  requests: number;
  medianMs: number;
  p95Ms: number;
  concurrency: number;
  wallOverRequestTime: number;
  serversCreated: number;
  imagesCreated: number;
  peakRssMb: number;
  requestsPerBehaviour: Record<string, number>;
}

function measure(label: string, env: NodeJS.ProcessEnv): BenchRun {
  const results = mkdtempSync(join(tmpdir(), 'metaconform-bench-'));
  const run = timed(process.execPath, [join(ROOT, 'bin', 'metaconform.mjs'), 'run'], { ...env, METACONFORM_RESULTS_DIR: results });
  const record = JSON.parse(readFileSync(join(results, 'tests.json'), 'utf8')) as RunRecord;
  const summary = JSON.parse(readFileSync(join(results, 'summary.json'), 'utf8')) as { runner: { maxRssKb: number }; exitCode: number };
  const latencies = record.tests.flatMap((t) => t.requests ?? []).sort((a, b) => a - b);
  const median = percentile(latencies, 50);
  const perBehaviour: Record<string, number> = {};
  for (const t of record.tests) perBehaviour[t.behaviour] = (perBehaviour[t.behaviour] ?? 0) + (t.requests?.length ?? 0);
  const needed = (latencies.length * median) / CONCURRENCY / 1000;
  return {
    target: label,
    exitCode: run.status,
    wallSeconds: Number(run.seconds.toFixed(2)),
    tests: record.tests.length,
    requests: latencies.length,
    medianMs: Number(median.toFixed(2)),
    p95Ms: Number(percentile(latencies, 95).toFixed(2)),
    concurrency: CONCURRENCY,
    wallOverRequestTime: Number((run.seconds / needed).toFixed(1)),
    serversCreated: 0,
    imagesCreated: 0,
    peakRssMb: Number((summary.runner.maxRssKb / 1024).toFixed(0)),
    requestsPerBehaviour: perBehaviour,
  };
}

const floor = floorSeconds();
const base: NodeJS.ProcessEnv = { ...process.env };
const runs = [measure('embedded reference', { ...base, METACONFORM_TARGET: 'reference' })];
if (process.env.METACONFORM_COMPUTE_URL) runs.push(measure(`endpoint ${new URL(process.env.METACONFORM_COMPUTE_URL).host}`, base));
const bench = { floorSeconds: Number(floor.toFixed(2)), runs: runs.map((r) => ({ ...r, overFloor: Number((r.wallSeconds / floor).toFixed(2)) })) };
mkdirSync(join(ROOT, 'results'), { recursive: true });
writeFileSync(join(ROOT, 'results', 'bench.json'), `${JSON.stringify(bench, null, 2)}\n`);
console.log(`trivial vitest run (floor): ${bench.floorSeconds} s`);
for (const r of bench.runs) {
  console.log(`\n${r.target} (exit ${r.exitCode})`);
  console.log(`  wall ${r.wallSeconds} s = ${r.overFloor} × floor; ${r.tests} tests, ${r.requests} requests`);
  console.log(`  latency median ${r.medianMs} ms, p95 ${r.p95Ms} ms; wall ÷ (requests × median ÷ concurrency ${r.concurrency}) = ${r.wallOverRequestTime}`);
  console.log(`  servers created ${r.serversCreated}, images created ${r.imagesCreated}, runner peak RSS ${r.peakRssMb} MB`);
  const per = Object.entries(r.requestsPerBehaviour).sort((a, b) => b[1] - a[1]);
  console.log(`  requests per behaviour: max ${per[0]?.[1]} (${per[0]?.[0]}), median ${per[Math.floor(per.length / 2)]?.[1]}`);
}
console.log('\nfigures written to results/bench.json');
