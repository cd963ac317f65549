import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nova } from '../profiles/nova.ts';
import { getProfile } from '../profiles/index.ts';
import { MUTANTS } from '../reference/mutants/index.ts';
import { CORRECT_VARIANTS, variantImplementation } from '../reference/variants.ts';
import type { RunRecord } from '../lib/results/records.ts';
import type { RunConfig } from '../lib/config/load.ts';
import { ConfigError, EXIT } from '../lib/errors.ts';
import { summarise } from '../lib/results/summary.ts';
import { executeSuites } from './execute.ts';
import { RESULT_FILES } from './paths.ts';
import { prepareResults } from './run.ts';
import { learnServedOperations, startEmbedded, type ResolvedTarget } from './resolve-target.ts';

export interface MatrixRow {
  name: string;
  kind: 'mutant' | 'correct';
  description: string;
  /** Behaviours the mutant declares it violates (empty for a correct variant). */
  violates: string[];
  /** Behaviours the suite reported as failed against it. */
  failed: string[];
  /** Mutant: behaviours that failed beyond those it declares (blame precision: none is the aim). */
  extra: string[];
  /** Behaviours without a verdict against it. */
  errors: string[];
  exitCode: number;
  /** Mutant: exit 1, every declared behaviour failed and no other. Correct variant: exit 0. */
  ok: boolean;
}

function only(record: RunRecord, target: string): RunRecord {
  return { tests: record.tests.filter((t) => t.target === target), problems: record.problems };
}

/**
 * Runs the suites once, in one vitest process, against the embedded reference with every mutant injected
 * and every correct variant, each facing the whole catalogue; returns the kill matrix (mutant → the
 * behaviours that failed, and those beyond the ones it declares; variant → verdict).
 */
export async function runMatrix(config: RunConfig, filter?: (name: string) => boolean): Promise<MatrixRow[]> {
  const entries = [
    ...Object.entries(CORRECT_VARIANTS).map(([name, v]) => ({ name, kind: 'correct' as const, description: v.description, violates: [] as string[], ...variantImplementation(v) })),
    ...Object.entries(MUTANTS).map(([name, m]) => ({ name, kind: 'mutant' as const, description: m.description, violates: [...m.violates], profile: nova, mutant: name })),
  ].filter((e) => !filter || filter(e.name));
  const started: ResolvedTarget[] = [];
  try {
    for (const e of entries) {
      const how = 'implementation' in e ? { implementation: e.implementation } : { mutant: e.mutant };
      const resolved = await startEmbedded(config, { id: e.name, profile: e.profile, variant: `${e.kind} ${e.name}`, record: false, ...how });
      started.push(resolved);
      await learnServedOperations(resolved, config);
    }
    const record = await executeSuites(
      started.map((s) => s.target),
      { testsFile: join(config.resultsDir, RESULT_FILES.tests), reporters: [] },
    );
    return entries.map((e) => {
      const summary = summarise(only(record, e.name), getProfile(e.profile.name));
      const failed = summary.behaviours.filter((b) => b.status === 'failed').map((b) => b.id);
      const errors = summary.behaviours.filter((b) => b.status === 'error').map((b) => b.id);
      const extra = e.kind === 'mutant' ? failed.filter((id) => !e.violates.includes(id)) : [];
      const ok = e.kind === 'correct' ? summary.exitCode === EXIT.CONFORMANT : summary.exitCode === EXIT.NON_CONFORMANT && e.violates.every((id) => failed.includes(id)) && !extra.length;
      return { name: e.name, kind: e.kind, description: e.description, violates: e.violates, failed, extra, errors, exitCode: summary.exitCode, ok };
    });
  } finally {
    await Promise.all(started.map((s) => s.reference?.close()));
  }
}

export function formatMatrix(rows: MatrixRow[], seconds: number): string {
  const lines = ['', 'kill matrix (mutant → behaviours that failed against it; * = declared by the mutant, ! = failed beyond its declaration)'];
  for (const r of rows.filter((x) => x.kind === 'mutant')) {
    const killers = r.failed.map((id) => (r.violates.includes(id) ? `${id}*` : `${id}!`)).join(', ') || '(none)';
    const missing = r.violates.filter((id) => !r.failed.includes(id));
    const state = missing.length || r.exitCode !== EXIT.NON_CONFORMANT ? 'SURVIVED' : r.extra.length ? 'BLURRED ' : 'caught  ';
    lines.push(`  ${state} ${r.name.padEnd(34)} ${killers}${missing.length ? `   missing: ${missing.join(', ')}` : ''}`);
  }
  lines.push('correct variants (must pass)');
  for (const r of rows.filter((x) => x.kind === 'correct')) {
    lines.push(`  ${r.ok ? 'passed  ' : 'ACCUSED '} ${r.name.padEnd(34)} ${r.ok ? '' : `exit ${r.exitCode}; failed: ${r.failed.join(', ')} errors: ${r.errors.join(', ')}`}`);
  }
  const mutants = rows.filter((r) => r.kind === 'mutant');
  const correct = rows.filter((r) => r.kind === 'correct');
  const extra = mutants.reduce((n, r) => n + r.extra.length, 0);
  lines.push(
    `${mutants.filter((r) => r.ok).length}/${mutants.length} mutants caught by exactly the behaviours they declare (blame precision: ${extra} failure(s) beyond the declarations), ` +
      `${correct.filter((r) => r.ok).length}/${correct.length} correct variants passed, wall time ${seconds.toFixed(1)} s`,
  );
  return lines.join('\n');
}

/** `metaconform mutants`: the kill matrix, printed and written to results/kill-matrix.json; exit 0 only if all is well. */
export async function runMutantsCommand(config: RunConfig, only?: readonly string[], log: (line: string) => void = (l) => console.log(l)): Promise<number> {
  const known = [...Object.keys(CORRECT_VARIANTS), ...Object.keys(MUTANTS)];
  const unknown = (only ?? []).filter((name) => !known.includes(name));
  if (unknown.length) throw new ConfigError('--only', `unknown variant(s) ${unknown.join(', ')} (known: ${known.join(', ')})`);
  prepareResults(config.resultsDir);
  const started = performance.now();
  const rows = await runMatrix(config, only ? (name) => only.includes(name) : undefined);
  const seconds = (performance.now() - started) / 1000;
  writeFileSync(join(config.resultsDir, RESULT_FILES.killMatrix), `${JSON.stringify({ wallSeconds: Number(seconds.toFixed(1)), rows }, null, 2)}\n`);
  log(formatMatrix(rows, seconds));
  return rows.every((r) => r.ok) ? EXIT.CONFORMANT : EXIT.NON_CONFORMANT;
}
