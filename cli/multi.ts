import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Summary } from '../lib/results/summary.ts';
import { parse } from 'yaml';
import { ConfigError, EXIT } from '../lib/errors.ts';

export interface TargetRun {
  /** `cloud`, `region` or `cloud/region`: also the results subfolder. */
  label: string;
  env: Record<string, string>;
}

/** Most targets one invocation runs, one after another. */
export const MAX_TARGETS = 64;
/** Cloud and region names become results subfolders: letters, digits and . _ - @ +, not starting with a dot. */
const SAFE_NAME = /^[A-Za-z0-9_@+-][A-Za-z0-9._@+-]{0,127}$/;
/** A targets file larger than this is not a list of targets. */
const MAX_TARGETS_FILE_BYTES = 1024 * 1024;

function checkName(flag: string, where: string, kind: 'cloud' | 'region', name: string): void {
  if (!SAFE_NAME.test(name)) {
    throw new ConfigError(flag, `${where}: ${kind} ${JSON.stringify(name.length > 60 ? `${name.slice(0, 60)}…` : name)} is not a usable name (letters, digits and . _ - @ +, at most 128, not starting with a dot)`);
  }
}

/** The results subfolder of a target. */
export function resultsFolderOf(run: TargetRun): string {
  return run.label.replaceAll('/', '__');
}

/** No target twice, and not more than MAX_TARGETS. */
export function checkTargetList(flag: string, runs: TargetRun[]): TargetRun[] {
  if (runs.length > MAX_TARGETS) throw new ConfigError(flag, `${runs.length} targets; at most ${MAX_TARGETS} are run in one invocation`);
  // two targets must not share a results subfolder (cloud/region becomes cloud__region)
  const seen = new Map<string, number>();
  runs.forEach((r, i) => {
    const folder = resultsFolderOf(r);
    const first = seen.get(folder);
    if (first !== undefined) throw new ConfigError(flag, `target ${r.label} is listed twice (entries ${first + 1} and ${i + 1}, results subfolder ${folder})`);
    seen.set(folder, i);
  });
  return runs;
}

/** The targets of one invocation: every cloud × every region given (a missing list keeps the environment's). */
export function targetRuns(clouds: string[], regions: string[]): TargetRun[] {
  for (const c of clouds) checkName('--cloud', '--cloud', 'cloud', c);
  for (const r of regions) checkName('--region', '--region', 'region', r);
  const cs = clouds.length ? clouds : [undefined];
  const rs = regions.length ? regions : [undefined];
  return checkTargetList(
    clouds.length ? '--cloud' : '--region',
    cs.flatMap((cloud) =>
      rs.map((region) => ({
        label: [cloud, region].filter(Boolean).join('/'),
        env: { ...(cloud ? { OS_CLOUD: cloud } : {}), ...(region ? { OS_REGION_NAME: region } : {}) },
      })),
    ),
  );
}

/**
 * A targets file: a YAML list of `{cloud, region}` entries (either may be left out), checked whole before
 * any target runs: at most MAX_TARGETS entries, each a mapping of those two keys with usable names, none twice.
 */
export function targetsFromFile(file: string): TargetRun[] {
  const flag = '--targets';
  let doc: unknown;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new ConfigError(flag, `${file} is not a file`);
    if (stat.size > MAX_TARGETS_FILE_BYTES) throw new ConfigError(flag, `${file} is larger than ${MAX_TARGETS_FILE_BYTES / 1024} KiB; it should list at most ${MAX_TARGETS} targets`);
    doc = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(flag, `cannot read ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!Array.isArray(doc) || !doc.length) throw new ConfigError(flag, `${file} must hold a non-empty YAML list of {cloud, region} entries`);
  if (doc.length > MAX_TARGETS) throw new ConfigError(flag, `${file} lists ${doc.length} targets; at most ${MAX_TARGETS} are run in one invocation`);
  const runs = doc.map((raw: unknown, i) => {
    const where = `${file} entry ${i + 1}`;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(flag, `${where} must be a mapping such as {cloud: east, region: RegionOne}`);
    const unknown = Object.keys(raw).filter((k) => k !== 'cloud' && k !== 'region');
    if (unknown.length) throw new ConfigError(flag, `${where}: unknown key ${JSON.stringify(unknown[0]!.slice(0, 60))} (known: cloud, region)`);
    const e = raw as { cloud?: unknown; region?: unknown };
    for (const kind of ['cloud', 'region'] as const) {
      const v = e[kind];
      if (v === undefined) continue;
      if (typeof v !== 'string') throw new ConfigError(flag, `${where}: ${kind} must be a string`);
      checkName(flag, where, kind, v);
    }
    if (!e.cloud && !e.region) throw new ConfigError(flag, `${where} needs a cloud and/or a region`);
    const cloud = e.cloud as string | undefined;
    const region = e.region as string | undefined;
    return { label: [cloud, region].filter(Boolean).join('/'), env: { ...(cloud ? { OS_CLOUD: cloud } : {}), ...(region ? { OS_REGION_NAME: region } : {}) } };
  });
  return checkTargetList(flag, runs);
}

/** Severity of exit statuses: a usage error, then non-conformance, then no verdict, then conformant. */
const SEVERITY = [EXIT.CONFORMANT, EXIT.NO_VERDICT, EXIT.NON_CONFORMANT, EXIT.USAGE] as number[];

export function worstExit(codes: number[]): number {
  return codes.reduce((worst, c) => (SEVERITY.indexOf(c) > SEVERITY.indexOf(worst) ? c : worst), EXIT.CONFORMANT as number);
}

const CELL: Record<string, string> = { passed: 'passed', flaky: 'FLAKY', failed: '**FAILED**', known: 'known', 'advisory-failed': 'advisory', 'advisory-error': 'advisory no verdict', observed: 'observed', 'not-applicable': 'n/a', error: 'no verdict', untested: '' };

/** results/matrix.md, .json and .html: behaviour × target, with each target's exit status. */
export function writeMatrix(dir: string, runs: { label: string; exitCode: number; resultsDir: string }[]): string {
  const summaries = runs.map((r) => {
    try {
      return JSON.parse(readFileSync(join(r.resultsDir, 'summary.json'), 'utf8')) as Summary;
    } catch {
      return undefined;
    }
  });
  const ids = [...new Set(summaries.flatMap((s) => s?.behaviours.map((b) => b.id) ?? []))];
  const cell = (i: number, id: string) => CELL[summaries[i]?.behaviours.find((b) => b.id === id)?.status ?? 'untested'] ?? '';
  const md = [
    `| behaviour | ${runs.map((r) => r.label).join(' | ')} |`,
    `|---|${runs.map(() => '---').join('|')}|`,
    `| **exit status** | ${runs.map((r) => `**${r.exitCode}**`).join(' | ')} |`,
    ...ids.map((id) => `| ${id} | ${runs.map((_, i) => cell(i, id)).join(' | ')} |`),
    '',
  ].join('\n');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'matrix.md'), `# metaconform: behaviour × target\n\n${md}`);
  writeFileSync(join(dir, 'matrix.json'), `${JSON.stringify({ targets: runs.map((r) => ({ label: r.label, exitCode: r.exitCode })), behaviours: Object.fromEntries(ids.map((id) => [id, Object.fromEntries(runs.map((r, i) => [r.label, summaries[i]?.behaviours.find((b) => b.id === id)?.status ?? null]))])) }, null, 2)}\n`);
  const esc = (t: string) => t.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
  const html = `<!doctype html><meta charset="utf-8"><title>metaconform matrix</title><style>body{font:14px sans-serif}td,th{border:1px solid #ccc;padding:2px 6px}.f{background:#fcc}.p{background:#cfc}</style><table><tr><th>behaviour</th>${runs.map((r) => `<th>${esc(r.label)} (exit ${r.exitCode})</th>`).join('')}</tr>${ids
    .map((id) => `<tr><td>${id}</td>${runs.map((_, i) => { const c = cell(i, id).replaceAll('*', ''); return `<td class="${c === 'FAILED' ? 'f' : c === 'passed' ? 'p' : ''}">${esc(c)}</td>`; }).join('')}</tr>`)
    .join('')}</table>\n`;
  writeFileSync(join(dir, 'matrix.html'), html);
  return md;
}
