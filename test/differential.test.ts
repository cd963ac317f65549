import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MUTANTS } from '../reference/mutants/index.ts';
import type { ReferenceServer } from '../reference/server.ts';
import { EXPLAINED } from '../differential/explained.ts';
import { PENDING, pendingReason } from '../differential/pending.ts';
import { loadCases, runDifferential, startEmbeddedForDifferential, type DifferentialReport } from '../differential/run.ts';
import { pythonDumps, rebuild, repeatFills, truncation } from '../differential/truncation.ts';

/**
 * The embedded reference replays every reproducible case recorded from real Nova 26.2.2
 * (differential/cases.json, extracted from nova-ground-truth.md) and must answer the same: status, content type,
 * microversion headers, body shape (fault name and code, exact metadata maps) and the follow-up read.
 * Differences listed in differential/explained.ts are accepted; those in differential/pending.ts are known
 * modelling bugs of the reference: their tests fail until the reference is fixed.
 */
const cases = loadCases();
let reference: ReferenceServer;
let report: DifferentialReport;

beforeAll(async () => {
  const embedded = await startEmbeddedForDifferential();
  reference = embedded.reference;
  report = await runDifferential(embedded.target, cases);
});
afterAll(() => reference?.close());

function resultOf(id: string, base: string) {
  const r = report.results.find((x) => x.id === id && x.base === base);
  if (!r) throw new Error(`no result for ${id} ${base}`);
  return r;
}

describe('the embedded reference answers like Nova 26.2.2 (differential)', () => {
  test.each(cases.filter((c) => !c.skip).map((c) => [`${c.id} ${c.base}: ${c.title}`, c.id, c.base] as const))('%s', (_name, id, base) => {
    const open = resultOf(id, base).differences.filter((d) => !d.explained);
    const pending = pendingReason(id, base);
    expect(open, pending ? `PENDING (differential/pending.ts): ${pending}` : 'differs from the recorded Nova answer').toEqual([]);
  });

  test('every case is either run or skipped with a reason; nothing is skipped without one', () => {
    expect(report.results).toHaveLength(cases.length);
    for (const r of report.results) {
      if (r.outcome === 'skipped') expect(r.skip, `${r.id} ${r.base}`).toMatch(/\w/);
    }
    expect(report.counts.cases - report.counts.skipped).toBeGreaterThan(250);
  });

  test('pending.ts names only cases that still differ', () => {
    for (const key of Object.keys(PENDING)) {
      const [id, base] = key.split('/') as [string, string | undefined];
      const hits = report.results.filter((r) => r.id === id && (!base || r.base === base) && r.differences.some((d) => d.pending));
      expect(hits.length, `pending entry ${key} no longer differs: remove it`).toBeGreaterThan(0);
    }
  });

  test('every explanation in explained.ts is used', () => {
    const used = new Set(report.results.flatMap((r) => r.differences.map((d) => d.explained)).filter(Boolean));
    // the error-server fixture only differs against a live deployment; the reference gets the recorded fixture
    const liveOnly = new Set(['error-server-fixture']);
    for (const name of Object.keys(EXPLAINED)) if (!liveOnly.has(name)) expect(used.has(name), `${name} explains nothing`).toBe(true);
  });
});

/** Mutants whose fault shows in what the differential compares (statuses, body shapes, stored maps). */
const VISIBLE_MUTANTS = ['put-merges', 'post-replaces', 'echo-not-stored', 'merge-answers-request-only', 'item-envelope-metadata', 'project-mismatch-ignored', 'v2-drops-key', 'fault-envelope-unnamed'];

describe('the differential notices a reference that is not faithful', () => {
  const present = VISIBLE_MUTANTS.filter((m) => MUTANTS[m]);
  test.each(present)('mutant %s differs from Nova beyond the known differences', async (mutant) => {
    const { target, reference: mutated } = await startEmbeddedForDifferential({ mutant });
    try {
      const mutantReport = await runDifferential(target, cases);
      const baseline = new Set(report.results.filter((r) => r.differences.some((d) => !d.explained)).map((r) => `${r.id} ${r.base}`));
      const extra = mutantReport.results.filter((r) => r.differences.some((d) => !d.explained) && !baseline.has(`${r.id} ${r.base}`));
      expect(extra.length).toBeGreaterThan(0);
    } finally {
      await mutated.close();
    }
  });
});

describe('rebuilding truncated transcript lines', () => {
  test('a repeated character is filled in only when the prefix, suffix and length all fit', () => {
    const text = '{"k": "vvv…<19 chars total>…vv"}';
    const t = truncation(text)!;
    expect(rebuild(text, t, repeatFills(t))).toBe(`{"k": "${'v'.repeat(10)}"}`);
    expect(() => rebuild(text, t, ['{"k": "vvvxxxxxvv"}', '{"k": "vvvyyyyyvv"}'])).toThrow(/2 of 2 candidates fit/);
  });

  test('bodies are compared as Nova writes them: Python json.dumps with ensure_ascii', () => {
    expect(pythonDumps({ metadata: { k: 'é😀' } })).toBe('{"metadata": {"k": "\\u00e9\\ud83d\\ude00"}}');
  });
});
