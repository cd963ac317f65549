import { appliesTo, CATALOGUE, type Behaviour, type Level } from '../../catalogue/index.ts';
import type { Profile } from '../../profiles/index.ts';
import type { Expectation, Expectations } from './expectations.ts';
import type { RunRecord, TestRecord } from './records.ts';
import { EXIT } from '../errors.ts';

export type BehaviourStatus = 'passed' | 'flaky' | 'failed' | 'known' | 'advisory-failed' | 'not-applicable' | 'error' | 'untested';

export interface BehaviourResult {
  id: string;
  rule: string;
  level: Level;
  status: BehaviourStatus;
  /** Why it failed, had no verdict or does not apply (first detail of its tests). */
  reason?: string;
  /** Passed although an expectation says it fails: the expectation is stale. */
  stale?: boolean;
  tests: TestRecord[];
}

export interface SummaryOptions {
  /** Only these behaviours were selected (a partial run). */
  selected?: readonly string[];
  expectations?: Expectations;
  /** A stale expectation fails the gate. */
  strictExpectations?: boolean;
  /** Behaviours that failed and then passed on a retry (their records are the retry's). */
  flaky?: readonly string[];
}

export interface Summary {
  profile: string;
  behaviours: BehaviourResult[];
  counts: Record<BehaviourStatus, number>;
  problems: string[];
  /** Facts about the target that limit what the run could observe (e.g. authentication not enforced); never change the verdict. */
  warnings: string[];
  exitCode: number;
  verdict: string;
}

function statusOf(behaviour: Behaviour, tests: TestRecord[]): { status: BehaviourStatus; reason?: string } {
  const first = (outcome: TestRecord['outcome']) => tests.find((t) => t.outcome === outcome);
  const failed = first('failed');
  if (failed) return { status: behaviour.level === 'required' ? 'failed' : 'advisory-failed', reason: `[${failed.api}] ${failed.detail}` };
  const error = first('error');
  if (error) return { status: 'error', reason: `[${error.api}] ${error.detail}` };
  if (first('passed')) return { status: 'passed' };
  const na = first('not-applicable');
  if (na) return { status: 'not-applicable', reason: na.detail ?? 'not applicable' };
  return { status: 'untested' };
}

/** Per-behaviour results of a run, and the run's exit status, from the test records. */
/** A behaviour's result after the target's expectations: an expected failure is known, an expected skip not run. */
function withExpectation(result: BehaviourResult, e: Expectation | undefined): BehaviourResult {
  if (!e) return result;
  const why = `${e.reason}${e.link ? ` (${e.link})` : ''}`;
  if (e.expect === 'skip') return { ...result, status: 'not-applicable', reason: `skipped by expectation: ${why}` };
  if (result.status === 'failed' || result.status === 'advisory-failed') return { ...result, status: 'known', reason: `known failure: ${why} — ${result.reason ?? ''}` };
  if (result.status === 'passed') return { ...result, stale: true, reason: `passes, but expected to fail: ${why}` };
  return result;
}

export function summarise(record: RunRecord, profile: Profile, opts: SummaryOptions = {}): Summary {
  const expected = new Map((opts.expectations?.entries ?? []).map((e) => [e.id, e]));
  const behaviours: BehaviourResult[] = CATALOGUE.filter((b) => !opts.selected || opts.selected.includes(b.id) || expected.get(b.id)?.expect === 'skip').map((b) => {
    const tests = record.tests.filter((t) => t.behaviour === b.id);
    if (!appliesTo(b, profile.name)) return { id: b.id, rule: b.rule, level: b.level, status: 'not-applicable', reason: `not part of profile '${profile.name}'`, tests };
    const result = { id: b.id, rule: b.rule, level: b.level, ...statusOf(b, tests), tests };
    if (result.status === 'passed' && opts.flaky?.includes(b.id)) return { ...result, status: 'flaky' as const, reason: 'failed, then passed on a retry' };
    return withExpectation(result, expected.get(b.id));
  });
  const counts: Record<BehaviourStatus, number> = { passed: 0, flaky: 0, failed: 0, known: 0, 'advisory-failed': 0, 'not-applicable': 0, error: 0, untested: 0 };
  for (const b of behaviours) counts[b.status]++;
  const stale = behaviours.filter((b) => b.stale).map((b) => b.id);
  let exitCode: number = EXIT.CONFORMANT;
  let verdict = `CONFORMANT: every applicable behaviour passed${counts.known ? ` (${counts.known} known failure(s) expected)` : ''}`;
  if (counts.failed > 0) {
    exitCode = EXIT.NON_CONFORMANT;
    verdict = `NON-CONFORMANT: ${counts.failed} behaviour(s) failed`;
  } else if (opts.strictExpectations && stale.length > 0) {
    exitCode = EXIT.NON_CONFORMANT;
    verdict = `STALE EXPECTATIONS: ${stale.join(', ')} pass but are expected to fail`;
  } else if (counts.error > 0 || record.problems.length > 0) {
    exitCode = EXIT.NO_VERDICT;
    verdict = 'NO VERDICT: the target could not be reached or answered without a verdict for some behaviours';
  } else if (record.tests.length === 0) {
    exitCode = EXIT.NO_VERDICT;
    verdict = 'NO VERDICT: no conformance test ran';
  }
  return { profile: profile.name, behaviours, counts, problems: record.problems, warnings: [], exitCode, verdict };
}

/** The short human summary printed at the end of a run. */
export function formatSummary(summary: Summary, targetLabel: string): string {
  const c = summary.counts;
  const lines = [
    '',
    `metaconform summary — profile ${summary.profile} — target ${targetLabel}`,
    `behaviours: ${c.passed} passed, ${c.failed} failed, ${c['not-applicable']} not applicable, ${c.error} no verdict (error)` +
      (c.known ? `, ${c.known} known failures` : '') +
      (c.flaky ? `, ${c.flaky} FLAKY` : '') +
      (c['advisory-failed'] ? `, ${c['advisory-failed']} advisory failed` : '') +
      (c.untested ? `, ${c.untested} untested` : ''),
  ];
  const show = (status: BehaviourStatus, label: string) => {
    for (const b of summary.behaviours.filter((x) => x.status === status)) lines.push(`  ${label} ${b.id}  ${b.reason ?? b.rule}`.slice(0, 400));
  };
  show('failed', 'FAILED  ');
  show('known', 'KNOWN   ');
  show('flaky', 'FLAKY   ');
  for (const b of summary.behaviours.filter((x) => x.stale)) lines.push(`  STALE    ${b.id}  ${b.reason}`.slice(0, 400));
  show('advisory-failed', 'ADVISORY');
  show('error', 'ERROR   ');
  show('not-applicable', 'N/A     ');
  for (const p of summary.problems) lines.push(`  PROBLEM  ${p}`.slice(0, 400));
  for (const w of summary.warnings) lines.push(`  WARNING  ${w}`.slice(0, 400));
  if (c.failed) lines.push(`failed behaviour IDs: ${summary.behaviours.filter((b) => b.status === 'failed').map((b) => b.id).join(', ')}`);
  lines.push(`verdict: ${summary.verdict} (exit ${summary.exitCode})`);
  return lines.join('\n');
}
