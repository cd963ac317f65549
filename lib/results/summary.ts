import { appliesTo, CATALOGUE, type Behaviour, type Level } from '../../catalogue/index.ts';
import type { Profile } from '../../profiles/index.ts';
import type { RunRecord, TestRecord } from '../../reporters/behaviour-reporter.ts';
import { EXIT } from '../errors.ts';

export type BehaviourStatus = 'passed' | 'failed' | 'advisory-failed' | 'not-applicable' | 'error' | 'untested';

export interface BehaviourResult {
  id: string;
  rule: string;
  level: Level;
  status: BehaviourStatus;
  /** Why it failed, had no verdict or does not apply (first detail of its tests). */
  reason?: string;
  tests: TestRecord[];
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
export function summarise(record: RunRecord, profile: Profile, selected?: readonly string[]): Summary {
  const behaviours: BehaviourResult[] = CATALOGUE.filter((b) => !selected || selected.includes(b.id)).map((b) => {
    const tests = record.tests.filter((t) => t.behaviour === b.id);
    if (!appliesTo(b, profile.name)) return { id: b.id, rule: b.rule, level: b.level, status: 'not-applicable', reason: `not part of profile '${profile.name}'`, tests };
    return { id: b.id, rule: b.rule, level: b.level, ...statusOf(b, tests), tests };
  });
  const counts: Record<BehaviourStatus, number> = { passed: 0, failed: 0, 'advisory-failed': 0, 'not-applicable': 0, error: 0, untested: 0 };
  for (const b of behaviours) counts[b.status]++;
  let exitCode: number = EXIT.CONFORMANT;
  let verdict = 'CONFORMANT: every applicable behaviour passed';
  if (counts.failed > 0) {
    exitCode = EXIT.NON_CONFORMANT;
    verdict = `NON-CONFORMANT: ${counts.failed} behaviour(s) failed`;
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
      (c['advisory-failed'] ? `, ${c['advisory-failed']} advisory failed` : '') +
      (c.untested ? `, ${c.untested} untested` : ''),
  ];
  const show = (status: BehaviourStatus, label: string) => {
    for (const b of summary.behaviours.filter((x) => x.status === status)) lines.push(`  ${label} ${b.id}  ${b.reason ?? b.rule}`.slice(0, 400));
  };
  show('failed', 'FAILED  ');
  show('advisory-failed', 'ADVISORY');
  show('error', 'ERROR   ');
  show('not-applicable', 'N/A     ');
  for (const p of summary.problems) lines.push(`  PROBLEM  ${p}`.slice(0, 400));
  for (const w of summary.warnings) lines.push(`  WARNING  ${w}`.slice(0, 400));
  if (c.failed) lines.push(`failed behaviour IDs: ${summary.behaviours.filter((b) => b.status === 'failed').map((b) => b.id).join(', ')}`);
  lines.push(`verdict: ${summary.verdict} (exit ${summary.exitCode})`);
  return lines.join('\n');
}
