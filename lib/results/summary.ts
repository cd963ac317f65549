import { appliesTo, CATALOGUE, type Behaviour, type Level } from '../../catalogue/index.ts';
import type { Profile } from '../../profiles/index.ts';
import { covers, type Expectation, type Expectations } from './expectations.ts';
import type { RunRecord, TestRecord } from './records.ts';
import { EXIT } from '../errors.ts';

/**
 * A behaviour's result: what every output (console, summary, JUnit, Allure, certification, history) reports.
 * - required: passed / failed (exit 1) / error = no verdict (exit 3) / not-applicable / untested;
 * - advisory: a failure is advisory-failed and a no verdict advisory-error, reported apart, never the exit status;
 * - informational: observed whenever a test ran (what the target did, whatever the check's outcome), never
 *   counted as failed or no verdict;
 * - expectations and retries: known (an expected failure), flaky (failed, then passed on a retry).
 */
export type BehaviourStatus = 'passed' | 'flaky' | 'failed' | 'known' | 'advisory-failed' | 'advisory-error' | 'observed' | 'not-applicable' | 'error' | 'untested';

/** Every status, in the order outputs list them, with the words they use. */
export const STATUSES: readonly BehaviourStatus[] = ['passed', 'failed', 'not-applicable', 'error', 'known', 'flaky', 'advisory-failed', 'advisory-error', 'observed', 'untested'];

export const STATUS_LABEL: Readonly<Record<BehaviourStatus, string>> = {
  passed: 'passed',
  failed: 'FAILED',
  'not-applicable': 'not applicable',
  error: 'no verdict',
  known: 'known failure (expected)',
  flaky: 'FLAKY (failed, then passed on a retry)',
  'advisory-failed': 'advisory failed',
  'advisory-error': 'advisory no verdict',
  observed: 'observed (informational)',
  untested: 'untested',
};

export function emptyCounts(): Record<BehaviourStatus, number> {
  return Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<BehaviourStatus, number>;
}

/** Per-status counts of a list of behaviour results. */
export function countStatuses(statuses: Iterable<BehaviourStatus>): Record<BehaviourStatus, number> {
  const counts = emptyCounts();
  for (const s of statuses) counts[s]++;
  return counts;
}

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

/** What a test did, in words (an informational behaviour's observation). */
function observation(t: Pick<TestRecord, 'api' | 'outcome' | 'detail'>): string {
  const what = t.outcome === 'passed' ? 'as the check expects' : t.outcome === 'failed' ? `unlike the check: ${t.detail ?? 'failed'}` : t.outcome === 'error' ? `no verdict: ${t.detail ?? 'error'}` : `not applicable: ${t.detail ?? ''}`;
  return `[${t.api}] ${what}`;
}

/**
 * A behaviour's status from its tests' outcomes and its level: the one rule every output follows (the summary
 * here; verify applies it to the JUnit and Allure files of a bundle too).
 */
export function behaviourStatus(level: Level, tests: readonly Pick<TestRecord, 'api' | 'outcome' | 'detail'>[]): { status: BehaviourStatus; reason?: string } {
  const first = (outcome: TestRecord['outcome']) => tests.find((t) => t.outcome === outcome);
  if (level === 'informational') {
    const ran = tests.filter((t) => t.outcome !== 'not-applicable');
    if (ran.length) return { status: 'observed', reason: ran.map(observation).join('; ') };
  } else {
    const failed = first('failed');
    if (failed) return { status: level === 'required' ? 'failed' : 'advisory-failed', reason: `[${failed.api}] ${failed.detail}` };
    const error = first('error');
    if (error) return { status: level === 'required' ? 'error' : 'advisory-error', reason: `[${error.api}] ${error.detail}` };
    if (first('passed')) return { status: 'passed' };
  }
  const na = first('not-applicable');
  if (na) return { status: 'not-applicable', reason: na.detail ?? 'not applicable' };
  return { status: 'untested' };
}

/**
 * A behaviour's result after the target's expectations: an expected skip is not run; an expected failure is known.
 * An entry for one base (`api`) makes only that base's failure known: the behaviour's status is then decided by
 * its other tests (failed or no verdict there stays so), and is known when they pass. An expectation whose tests
 * pass is stale.
 */
function withExpectations(result: BehaviourResult, entries: readonly Expectation[]): BehaviourResult {
  if (!entries.length) return result;
  const why = (e: Expectation) => `${e.reason}${e.link ? ` (${e.link})` : ''}`;
  const skip = entries.find((e) => e.expect === 'skip');
  if (skip) return { ...result, status: 'not-applicable', reason: `skipped by expectation: ${why(skip)}` };
  const whole = entries.find((e) => !e.api);
  if (whole) {
    if (result.status === 'failed' || result.status === 'advisory-failed') return { ...result, status: 'known', reason: `known failure: ${why(whole)} — ${result.reason ?? ''}` };
    if (result.status === 'passed') return { ...result, stale: true, reason: `passes, but expected to fail: ${why(whole)}` };
    return result;
  }
  if (result.level === 'informational') return result;
  // entries for single bases: their tests' failures are known, the other tests decide
  const known = result.tests.filter((t) => t.outcome === 'failed' && entries.some((e) => covers(e, t)));
  const stale = entries.filter((e) => {
    const mine = result.tests.filter((t) => covers(e, t));
    return mine.some((t) => t.outcome === 'passed') && mine.every((t) => t.outcome === 'passed' || t.outcome === 'not-applicable');
  });
  const staleNote = stale.map((e) => `[${e.api}] passes, but expected to fail: ${why(e)}`).join('; ');
  if (known.length) {
    const rest = behaviourStatus(result.level, result.tests.filter((t) => !known.includes(t)));
    const knownNote = `known failure on ${known.map((t) => `/${t.api}`).join(', ')}: ${entries.filter((e) => known.some((t) => covers(e, t))).map(why).join('; ')} — ${known.map((t) => `[${t.api}] ${t.detail ?? 'failed'}`).join('; ')}`;
    const decided = rest.status !== 'passed' && rest.status !== 'not-applicable' && rest.status !== 'untested';
    const status = decided ? rest.status : 'known';
    const reason = decided ? `${rest.reason ?? ''} (${knownNote})` : knownNote;
    return { ...result, status, reason: staleNote ? `${reason}; ${staleNote}` : reason, ...(stale.length ? { stale: true } : {}) };
  }
  if (stale.length) return { ...result, stale: true, reason: result.status === 'passed' ? staleNote : `${result.reason ?? ''}; ${staleNote}` };
  return result;
}

/** Per-behaviour results of a run, and the run's exit status, from the test records. */
export function summarise(record: RunRecord, profile: Profile, opts: SummaryOptions = {}): Summary {
  const entries = opts.expectations?.entries ?? [];
  const expected = (id: string) => entries.filter((e) => e.id === id);
  const behaviours: BehaviourResult[] = CATALOGUE.filter((b) => !opts.selected || opts.selected.includes(b.id) || expected(b.id).some((e) => e.expect === 'skip')).map((b) => {
    const tests = record.tests.filter((t) => t.behaviour === b.id);
    if (!appliesTo(b, profile.name)) return { id: b.id, rule: b.rule, level: b.level, status: 'not-applicable', reason: `not part of profile '${profile.name}'`, tests };
    const result = { id: b.id, rule: b.rule, level: b.level, ...behaviourStatus(b.level, tests), tests };
    // a behaviour of sequences (tag 'explore') has no test in a conformance run: say what judges it
    if (result.status === 'untested' && b.tags.includes('explore')) result.reason = 'judged by metaconform explore, not by a conformance run';
    if (result.status === 'passed' && opts.flaky?.includes(b.id)) return { ...result, status: 'flaky' as const, reason: 'failed, then passed on a retry' };
    return withExpectations(result, expected(b.id));
  });
  const counts = countStatuses(behaviours.map((b) => b.status));
  const stale = behaviours.filter((b) => b.stale).map((b) => b.id);
  let exitCode: number = EXIT.CONFORMANT;
  // only required behaviours decide the exit status: advisory and informational results are reported apart
  const apart = [counts.known && `${counts.known} known failure(s) expected`, counts['advisory-failed'] && `${counts['advisory-failed']} advisory failed`, counts['advisory-error'] && `${counts['advisory-error']} advisory without verdict`, counts.observed && `${counts.observed} informational observed`].filter(Boolean);
  let verdict = `CONFORMANT: every applicable required behaviour passed${apart.length ? ` (${apart.join(', ')})` : ''}`;
  if (counts.failed > 0) {
    exitCode = EXIT.NON_CONFORMANT;
    verdict = `NON-CONFORMANT: ${counts.failed} required behaviour(s) failed`;
  } else if (opts.strictExpectations && stale.length > 0) {
    exitCode = EXIT.NON_CONFORMANT;
    verdict = `STALE EXPECTATIONS: ${stale.join(', ')} pass but are expected to fail`;
  } else if (counts.error > 0 || record.problems.length > 0) {
    exitCode = EXIT.NO_VERDICT;
    verdict = 'NO VERDICT: the target could not be reached or answered without a verdict for some required behaviours';
  } else if (record.tests.length === 0) {
    exitCode = EXIT.NO_VERDICT;
    verdict = 'NO VERDICT: no conformance test ran';
  }
  return { profile: profile.name, behaviours, counts, problems: record.problems, warnings: [], exitCode, verdict };
}

/** The per-status counts line (the same words in every output); the first four always, the others when non-zero. */
export function formatCounts(counts: Record<BehaviourStatus, number>): string {
  const words: Record<BehaviourStatus, string> = {
    passed: 'passed', failed: 'failed', 'not-applicable': 'not applicable', error: 'no verdict (error)', known: 'known failures', flaky: 'FLAKY',
    'advisory-failed': 'advisory failed', 'advisory-error': 'advisory no verdict', observed: 'observed (informational)', untested: 'untested',
  };
  const always: BehaviourStatus[] = ['passed', 'failed', 'not-applicable', 'error'];
  const total = STATUSES.reduce((n, s) => n + counts[s], 0);
  return `${STATUSES.filter((s) => always.includes(s) || counts[s] > 0).map((s) => `${counts[s]} ${words[s]}`).join(', ')} — ${total} behaviours`;
}

/** The tag before a behaviour's line in the printed summary, per status (passed behaviours are not listed). */
export const SUMMARY_TAG: Readonly<Partial<Record<BehaviourStatus, string>>> = {
  failed: 'FAILED',
  known: 'KNOWN',
  flaky: 'FLAKY',
  'advisory-failed': 'ADVISORY',
  'advisory-error': 'ADV-NV',
  error: 'ERROR',
  observed: 'OBSERVED',
  'not-applicable': 'N/A',
  untested: 'UNTESTED',
};

/** The short human summary printed at the end of a run. */
export function formatSummary(summary: Summary, targetLabel: string): string {
  const c = summary.counts;
  const lines = ['', `metaconform summary — profile ${summary.profile} — target ${targetLabel}`, `behaviours: ${formatCounts(c)}`];
  const show = (status: BehaviourStatus) => {
    for (const b of summary.behaviours.filter((x) => x.status === status)) lines.push(`  ${SUMMARY_TAG[status]!.padEnd(8)} ${b.id}  ${(b.reason ?? b.rule).replaceAll('\n', ' ')}`.slice(0, 400));
  };
  show('failed');
  show('known');
  show('flaky');
  for (const b of summary.behaviours.filter((x) => x.stale)) lines.push(`  STALE    ${b.id}  ${b.reason}`.slice(0, 400));
  show('error');
  show('advisory-failed');
  show('advisory-error');
  show('observed');
  show('not-applicable');
  show('untested');
  for (const p of summary.problems) lines.push(`  PROBLEM  ${p}`.slice(0, 400));
  for (const w of summary.warnings) lines.push(`  WARNING  ${w}`.slice(0, 400));
  if (c.failed) lines.push(`failed behaviour IDs: ${summary.behaviours.filter((b) => b.status === 'failed').map((b) => b.id).join(', ')}`);
  lines.push(`verdict: ${summary.verdict} (exit ${summary.exitCode})`);
  return lines.join('\n');
}
