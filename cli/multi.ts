import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Summary } from '../lib/results/summary.ts';
import { parse } from 'yaml';
import { ConfigError, EXIT } from '../lib/errors.ts';

export interface TargetRun {
  /** `cloud`, `region` or `cloud/region`: also the results subfolder. */
  label: string;
  env: Record<string, string>;
}

/** The targets of one invocation: every cloud × every region given (a missing list keeps the environment's). */
export function targetRuns(clouds: string[], regions: string[]): TargetRun[] {
  const cs = clouds.length ? clouds : [undefined];
  const rs = regions.length ? regions : [undefined];
  return cs.flatMap((cloud) =>
    rs.map((region) => ({
      label: [cloud, region].filter(Boolean).join('/'),
      env: { ...(cloud ? { OS_CLOUD: cloud } : {}), ...(region ? { OS_REGION_NAME: region } : {}) },
    })),
  );
}

/** A targets file: a YAML list of `{cloud, region}` entries (either may be left out). */
export function targetsFromFile(file: string): TargetRun[] {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError('--targets', `cannot read ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!Array.isArray(doc) || !doc.length) throw new ConfigError('--targets', `${file} must hold a non-empty list of {cloud, region} entries`);
  return doc.map((raw, i) => {
    const e = (raw ?? {}) as { cloud?: unknown; region?: unknown };
    if ((e.cloud !== undefined && typeof e.cloud !== 'string') || (e.region !== undefined && typeof e.region !== 'string') || (!e.cloud && !e.region)) {
      throw new ConfigError('--targets', `${file} entry ${i + 1} needs a cloud and/or a region (strings)`);
    }
    return targetRuns(e.cloud ? [e.cloud as string] : [], e.region ? [e.region as string] : [])[0]!;
  });
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
