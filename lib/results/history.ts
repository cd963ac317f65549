import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BehaviourStatus, Summary } from './summary.ts';

/** One line of results/history.jsonl: one run, appended, never rewritten. */
export interface HistoryEntry {
  time: string;
  target: string;
  region?: string;
  profile: string;
  suiteVersion: string;
  selection: string;
  counts: Record<string, number>;
  failed: string[];
  /** Every behaviour's result in that run. */
  results: Record<string, BehaviourStatus>;
}

export const HISTORY_FILE = 'history.jsonl';

export function appendHistory(dir: string, entry: Omit<HistoryEntry, 'counts' | 'failed' | 'results'>, summary: Summary): void {
  const line: HistoryEntry = {
    ...entry,
    counts: summary.counts,
    failed: summary.behaviours.filter((b) => b.status === 'failed').map((b) => b.id),
    results: Object.fromEntries(summary.behaviours.map((b) => [b.id, b.status])),
  };
  appendFileSync(join(dir, HISTORY_FILE), `${JSON.stringify(line)}\n`);
}

export function readHistory(dir: string): HistoryEntry[] {
  const file = join(dir, HISTORY_FILE);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as HistoryEntry);
}

const MARK: Record<BehaviourStatus, string> = { passed: '✓', flaky: '~', failed: '✗', known: 'k', 'advisory-failed': 'a', 'advisory-error': 'A', observed: 'o', 'not-applicable': '-', error: '?', untested: ' ' };

/** Per behaviour: its last `last` outcomes (oldest first) and the run where its outcome last changed. */
export function formatTrend(history: HistoryEntry[], last: number): string {
  if (!history.length) return 'no history yet: each run appends one line to results/history.jsonl';
  const runs = history.slice(-last);
  const ids = [...new Set(runs.flatMap((r) => Object.keys(r.results)))];
  const lines = [`trend over the last ${runs.length} run(s) (${runs[0]!.time} … ${runs[runs.length - 1]!.time}); ✓ passed ✗ failed ~ flaky k known ? no verdict - n/a a advisory failed A advisory no verdict o observed`];
  for (const id of ids) {
    const outcomes = history.map((r) => r.results[id]);
    let changed: string | undefined;
    for (let i = outcomes.length - 1; i > 0; i--) {
      if (outcomes[i] !== outcomes[i - 1]) {
        changed = history[i]!.time;
        break;
      }
    }
    const marks = runs.map((r) => MARK[r.results[id] ?? 'untested'] ?? '?').join('');
    lines.push(`  ${id.padEnd(15)} ${marks}${changed ? `   changed in the run of ${changed}` : ''}`);
  }
  return lines.join('\n');
}
