import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { formatCounts, type Summary } from '../lib/results/summary.ts';
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

/** A target that ran: its label, exit status, results folder and the environment that chose it (OS_CLOUD, OS_REGION_NAME). */
export interface DoneRun {
  label: string;
  exitCode: number;
  resultsDir: string;
  env?: Record<string, string>;
}

/** What matrix.html links to in each target's folder, when the run wrote it. */
const LINKED_FILES = ['summary.txt', 'summary.json', 'junit.xml', 'certification.md', 'allure-report/index.html'];

type TargetSummary = Summary & { target?: string };

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * results/matrix.md, .json and .html: behaviour × target, with each target's exit status. matrix.html (one file,
 * no external resource, works offline) has a title and the date, each target's details (cloud, region, profile,
 * endpoint, exit status, verdict, counts, links to its summary and report) and a "differences only" switch
 * (CSS alone) that hides the rows where every target agrees. Returns the markdown table, and the lines to print:
 * only the rows that differ, and each target's totals.
 */
export function writeMatrix(dir: string, runs: DoneRun[], now: Date = new Date()): { markdown: string; differences: string } {
  const summaries = runs.map((r) => {
    try {
      return JSON.parse(readFileSync(join(r.resultsDir, 'summary.json'), 'utf8')) as TargetSummary;
    } catch {
      return undefined;
    }
  });
  const ids = [...new Set(summaries.flatMap((s) => s?.behaviours.map((b) => b.id) ?? []))];
  const cell = (i: number, id: string) => CELL[summaries[i]?.behaviours.find((b) => b.id === id)?.status ?? 'untested'] ?? '';
  const differs = (id: string) => new Set(runs.map((_, i) => cell(i, id))).size > 1;
  const differing = ids.filter(differs);
  const header = [`| behaviour | ${runs.map((r) => r.label).join(' | ')} |`, `|---|${runs.map(() => '---').join('|')}|`, `| **exit status** | ${runs.map((r) => `**${r.exitCode}**`).join(' | ')} |`];
  const row = (id: string) => `| ${id} | ${runs.map((_, i) => cell(i, id)).join(' | ')} |`;
  const md = [...header, ...ids.map(row), ''].join('\n');
  const generated = now.toISOString().replace(/\.\d+Z$/, 'Z');
  const details = runs.map((r, i) => {
    const s = summaries[i];
    const folder = relative(dir, r.resultsDir).split(sep).join('/');
    return {
      label: r.label,
      ...(r.env?.OS_CLOUD ? { cloud: r.env.OS_CLOUD } : {}),
      ...(r.env?.OS_REGION_NAME ? { region: r.env.OS_REGION_NAME } : {}),
      ...(s ? { profile: s.profile, verdict: s.verdict, counts: formatCounts(s.counts) } : {}),
      ...(s?.target ? { target: s.target } : {}),
      exitCode: r.exitCode,
      folder,
      files: LINKED_FILES.filter((f) => existsSync(join(r.resultsDir, f))),
    };
  });
  mkdirSync(dir, { recursive: true });
  const targetLines = details.map((d) => `- **${d.label}**: ${[d.cloud && `cloud ${d.cloud}`, d.region && `region ${d.region}`, d.profile && `profile ${d.profile}`, d.target && `endpoint ${d.target}`].filter(Boolean).join(', ')}; exit ${d.exitCode}${d.verdict ? `; ${d.verdict}` : '; no summary'} (${d.folder}/)`);
  writeFileSync(join(dir, 'matrix.md'), `# metaconform: behaviour × target\n\nGenerated ${generated}. ${differing.length} of ${ids.length} behaviours differ between the targets.\n\n${targetLines.join('\n')}\n\n${md}`);
  writeFileSync(
    join(dir, 'matrix.json'),
    `${JSON.stringify({ generatedAt: generated, targets: details, differing, behaviours: Object.fromEntries(ids.map((id) => [id, Object.fromEntries(runs.map((r, i) => [r.label, summaries[i]?.behaviours.find((b) => b.id === id)?.status ?? null]))])) }, null, 2)}\n`,
  );
  writeFileSync(join(dir, 'matrix.html'), matrixHtml({ generated, details, ids, differing: new Set(differing), cell, runs }));
  const totals = details.map((d) => `  ${d.label}: ${d.counts ?? 'no summary'} (exit ${d.exitCode})`);
  const differences = differing.length
    ? [`behaviours that differ between the targets: ${differing.length} of ${ids.length} (every behaviour: matrix.md, matrix.html)`, ...header, ...differing.map(row), 'totals:', ...totals].join('\n')
    : [`no behaviour differs between the targets (${ids.length} behaviours; every one: matrix.md, matrix.html)`, `| **exit status** | ${runs.map((r) => `**${r.exitCode}**`).join(' | ')} |`, 'totals:', ...totals].join('\n');
  return { markdown: md, differences };
}

function matrixHtml(m: {
  generated: string;
  details: { label: string; cloud?: string; region?: string; profile?: string; target?: string; verdict?: string; counts?: string; exitCode: number; folder: string; files: string[] }[];
  ids: string[];
  differing: Set<string>;
  cell: (i: number, id: string) => string;
  runs: DoneRun[];
}): string {
  const link = (folder: string, file: string) => `<a href="${esc(`${folder.split('/').map(encodeURIComponent).join('/')}/${file}`)}">${esc(file)}</a>`;
  const targets = m.details
    .map((d) => `<tr><th>${esc(d.label)}</th><td>${esc(d.cloud ?? '')}</td><td>${esc(d.region ?? '')}</td><td>${esc(d.profile ?? '')}</td><td>${esc(d.target ?? '')}</td><td class="${d.exitCode === 0 ? 'p' : 'f'}">${d.exitCode}</td><td>${esc(d.verdict ?? 'no summary: see the run output')}</td><td>${esc(d.counts ?? '')}</td><td>${d.files.map((f) => link(d.folder, f)).join(' ') || esc(`${d.folder}/`)}</td></tr>`)
    .join('\n');
  const rows = m.ids
    .map((id) => {
      const cells = m.runs.map((_, i) => {
        const c = m.cell(i, id).replaceAll('*', '');
        return `<td class="${c === 'FAILED' ? 'f' : c === 'passed' ? 'p' : c === 'no verdict' ? 'e' : ''}">${esc(c)}</td>`;
      });
      return `<tr class="${m.differing.has(id) ? 'diff' : 'same'}"><td>${esc(id)}</td>${cells.join('')}</tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>metaconform matrix: ${m.details.length} targets, ${esc(m.generated)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em}
table{border-collapse:collapse;margin:.5em 0 1.5em}
td,th{border:1px solid #ccc;padding:2px 8px;text-align:left;vertical-align:top}
.f{background:#fcc}.p{background:#cfc}.e{background:#ffd}
#diff:checked~table.matrix tr.same{display:none}
label{font-weight:bold}
</style>
</head>
<body>
<h1>metaconform: behaviour × target</h1>
<p>Generated ${esc(m.generated)}; ${m.details.length} targets; ${m.differing.size} of ${m.ids.length} behaviours differ between them.</p>
<h2>Targets</h2>
<table class="targets">
<tr><th>target</th><th>cloud</th><th>region</th><th>profile</th><th>endpoint</th><th>exit status</th><th>verdict</th><th>behaviours</th><th>files</th></tr>
${targets}
</table>
<h2>Behaviours</h2>
<input type="checkbox" id="diff"> <label for="diff">differences only (${m.differing.size} of ${m.ids.length})</label>
<table class="matrix">
<tr><th>behaviour</th>${m.runs.map((r) => `<th>${esc(r.label)} (exit ${r.exitCode})</th>`).join('')}</tr>
${rows}
</table>
</body>
</html>
`;
}

/** A target of a multi-target run, with its results subfolder. */
export interface PlannedRun extends TargetRun {
  resultsDir: string;
}

/**
 * Runs the targets in their own CLI processes, at most `atOnce` at a time; each output line is prefixed with
 * the target's label (so that lines of targets running together stay readable). Resolves with every target's
 * exit status, in the order of `runs`.
 */
export async function runTargets(runs: readonly PlannedRun[], atOnce: number, argsOf: (run: PlannedRun) => string[], announce: boolean): Promise<DoneRun[]> {
  const { spawn } = await import('node:child_process');
  const done: DoneRun[] = new Array(runs.length);
  let next = 0;
  const prefixLines = (label: string, write: (text: string) => void) => {
    let pending = '';
    return {
      push: (chunk: Buffer) => {
        const lines = (pending + chunk.toString()).split('\n');
        pending = lines.pop()!;
        for (const line of lines) write(`[${label}] ${line}\n`);
      },
      flush: () => pending && write(`[${label}] ${pending}\n`),
    };
  };
  const worker = async () => {
    while (next < runs.length) {
      const i = next++;
      const t = runs[i]!;
      if (announce) console.log(`metaconform: === target ${t.label} started ===`);
      const child = spawn(process.execPath, argsOf(t), { env: { ...process.env, ...t.env }, stdio: ['ignore', 'pipe', 'pipe'] });
      const out = prefixLines(t.label, (s) => process.stdout.write(s));
      const err = prefixLines(t.label, (s) => process.stderr.write(s));
      child.stdout.on('data', out.push);
      child.stderr.on('data', err.push);
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      out.flush();
      err.flush();
      done[i] = { label: t.label, exitCode: code ?? EXIT.NO_VERDICT, resultsDir: t.resultsDir, env: t.env };
    }
  };
  // a signal reaches every child of the process group; the parent waits for their undo and then reports
  await Promise.all(Array.from({ length: Math.min(atOnce, runs.length) }, worker));
  return done;
}

/**
 * `metaconform merge DIR…`: the results folders of separate runs (a CI matrix job per region) combined into
 * one matrix (matrix.md, .json, .html), one history (every run's history.jsonl lines, each once, in time
 * order) and one exit status, the worst of theirs (a folder without summary.json counts as no verdict).
 */
export function mergeResults(dirs: readonly string[], out: string, log: (line: string) => void = (l) => console.log(l)): number {
  const missing = dirs.filter((d) => !existsSync(d) || !statSync(d).isDirectory());
  if (missing.length) throw new ConfigError('merge', `not a results folder: ${missing.join(', ')}`);
  const labels = new Set<string>();
  const runs: DoneRun[] = dirs.map((dir) => {
    let summary: (TargetSummary & { exitCode?: number }) | undefined;
    try {
      summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as TargetSummary & { exitCode?: number };
    } catch {
      log(`metaconform merge: ${dir} holds no readable summary.json: counted as no verdict`);
    }
    // the folder's name tells targets apart (a CI job names its results folder after its region, say)
    let label = dir.replace(/[/\\]+$/, '').split(/[/\\]/).pop() || dir;
    for (let n = 2; labels.has(label); n++) label = `${label} (${n})`;
    labels.add(label);
    return { label, exitCode: typeof summary?.exitCode === 'number' ? summary.exitCode : EXIT.NO_VERDICT, resultsDir: dir };
  });
  mkdirSync(out, { recursive: true });
  const { differences } = writeMatrix(out, runs);
  const lines = new Set<string>();
  for (const dir of dirs) {
    const file = join(dir, 'history.jsonl');
    if (existsSync(file)) for (const line of readFileSync(file, 'utf8').split('\n')) if (line.trim()) lines.add(line);
  }
  const existing = join(out, 'history.jsonl');
  if (existsSync(existing)) for (const line of readFileSync(existing, 'utf8').split('\n')) if (line.trim()) lines.add(line);
  const time = (line: string) => {
    try {
      return String((JSON.parse(line) as { time?: string }).time ?? '');
    } catch {
      return '';
    }
  };
  writeFileSync(existing, [...lines].sort((a, b) => time(a).localeCompare(time(b))).map((l) => `${l}\n`).join(''));
  const worst = worstExit(runs.map((r) => r.exitCode));
  log(`${differences}\nmetaconform merge: ${runs.length} results folder(s); matrix in ${join(out, 'matrix.md')} (.json, .html), history in ${existing}; exit ${worst} (the worst of theirs)`);
  return worst;
}
