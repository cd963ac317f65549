import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { CATALOGUE, findBehaviour } from '../catalogue/index.ts';
import { aggregateAllure, SEVERITY } from '../lib/results/allure.ts';
import { familyOf, formatJunit, junitKind, junitTotals, parseJunit } from '../lib/results/junit.ts';
import { countStatuses, formatCounts, STATUSES, SUMMARY_TAG, type BehaviourStatus, type Summary } from '../lib/results/summary.ts';
import { MUTANTS } from '../reference/mutants/index.ts';
import { runCli, type CliResult } from './helpers/cli.ts';

/**
 * One CLI run against a mutant that fails behaviours of every level (reference/mutants/levels.ts), then every
 * output is read back and compared with summary.json, behaviour by behaviour and in its totals.
 */
let run: CliResult;
let summary: Summary;
let statuses: Map<string, BehaviourStatus>;
const read = (name: string) => readFileSync(join(run.resultsDir, name), 'utf8');

beforeAll(async () => {
  run = await runCli(['run'], { METACONFORM_REFERENCE_MUTANT: 'levels-mixed' });
  summary = JSON.parse(read('summary.json')) as Summary;
  statuses = new Map(summary.behaviours.map((b) => [b.id, b.status]));
});

describe('every output tells the same per-behaviour story (one run, mutant levels-mixed)', () => {
  test('summary.json: levels decide; only required behaviours fail, lack a verdict or set the exit status', () => {
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.code).toBe(1);
    expect(summary.behaviours.map((b) => b.id)).toEqual(CATALOGUE.map((b) => b.id));
    expect(statuses.get('SM-MERGE-002')).toBe('failed');
    expect(statuses.get('SM-LIST-003')).toBe('error');
    expect(statuses.get('SM-AUTH-002')).toBe('advisory-failed');
    // informational: observed, whether the check failed (SM-ERR-004), had no verdict (SM-KEY-006, a 500) or passed
    expect(statuses.get('SM-ERR-004')).toBe('observed');
    expect(statuses.get('SM-KEY-006')).toBe('observed');
    expect(summary.behaviours.find((b) => b.id === 'SM-KEY-006')!.reason).toMatch(/500/);
    expect(statuses.get('SM-BODY-008')).toBe('observed');
    for (const b of summary.behaviours) {
      if (b.status === 'failed' || b.status === 'error') expect(b.level, b.id).toBe('required');
      if (b.status === 'advisory-failed' || b.status === 'advisory-error') expect(b.level, b.id).toBe('advisory');
      if (b.level === 'informational') expect(['observed', 'not-applicable', 'untested'], b.id).toContain(b.status);
    }
    expect(summary.counts).toEqual(countStatuses(summary.behaviours.map((b) => b.status)));
    // exactly the behaviours the mutant's required fault breaks
    expect(summary.behaviours.filter((b) => b.status === 'failed').map((b) => b.id).sort()).toEqual([...MUTANTS['levels-mixed']!.violates].sort());
    expect(summary.verdict).toMatch(new RegExp(`^NON-CONFORMANT: ${MUTANTS['levels-mixed']!.violates.length} required behaviour\\(s\\) failed`));
  });

  test('junit.xml: one testcase per behaviour, its kind from the status, totals equal to the summary', () => {
    const junit = parseJunit(read('junit.xml'));
    expect(junit.cases.map((c) => c.behaviour)).toEqual(summary.behaviours.map((b) => b.id));
    for (const c of junit.cases) {
      const status = statuses.get(c.behaviour!)!;
      expect([c.status, c.kind, c.level, c.classname], c.behaviour).toEqual([status, junitKind(status), findBehaviour(c.behaviour!)!.level, familyOf(c.behaviour!)]);
      expect(c.name.startsWith(`[${c.behaviour}] `)).toBe(true);
    }
    expect(junit.totals).toEqual(junitTotals(summary.behaviours.map((b) => b.status)));
    expect(junit.totals).toEqual({ tests: CATALOGUE.length, failures: summary.counts.failed, errors: summary.counts.error, skipped: summary.counts['not-applicable'] + summary.counts.untested + summary.counts.known });
    // advisory and informational never as <failure> or <error>; their system-out says what they are
    const xml = read('junit.xml');
    const caseOf = (id: string) => xml.slice(xml.indexOf(`name="[${id}]`), xml.indexOf('</testcase>', xml.indexOf(`name="[${id}]`)));
    expect(caseOf('SM-AUTH-002')).not.toMatch(/<failure|<error/);
    expect(caseOf('SM-AUTH-002')).toMatch(/<system-out>ADVISORY FAILED/);
    expect(caseOf('SM-ERR-004')).toMatch(/<system-out>OBSERVED[^]*v2: failed — AssertionError/);
    expect(caseOf('SM-MERGE-002')).toMatch(/<failure type="non-conformance" message="\[v2\] AssertionError/);
    expect(caseOf('SM-LIST-003')).toMatch(/<error type="no-verdict"/);
  });

  test('Allure: per behaviour (label), the same status; severity and tags by level; counts in the environment', () => {
    const dir = join(run.resultsDir, 'allure-results');
    const results = readdirSync(dir).filter((f) => f.endsWith('-result.json')).map((file) => ({ file, result: JSON.parse(readFileSync(join(dir, file), 'utf8')) as { status: string; labels: { name: string; value: string }[]; statusDetails?: { message?: string } } }));
    const { behaviours, problems } = aggregateAllure(results, (id) => findBehaviour(id)?.level);
    expect(problems).toEqual([]);
    for (const b of summary.behaviours) {
      if (b.status === 'untested') expect(behaviours.has(b.id), b.id).toBe(false);
      else expect(behaviours.get(b.id)?.status, b.id).toBe(b.status);
    }
    const aggregated = countStatuses([...behaviours.values()].map((b) => b.status));
    expect({ ...aggregated, untested: summary.counts.untested }).toEqual(summary.counts);
    for (const { result } of results) {
      const level = result.labels.find((l) => l.name === 'level')!.value as keyof typeof SEVERITY;
      expect(result.labels.filter((l) => l.name === 'severity').map((l) => l.value)).toEqual([SEVERITY[level]]);
      if (level === 'informational') {
        expect(['passed', 'skipped']).toContain(result.status);
        if (result.status === 'passed') expect(result.statusDetails?.message).toMatch(/^OBSERVED/);
      }
      if (level === 'advisory' && result.status === 'failed') expect(result.statusDetails?.message).toMatch(/^ADVISORY FAILED/);
    }
    const env = read('allure-results/environment.properties');
    for (const s of STATUSES) expect(env).toContain(`behaviours\\ ${s}=${summary.counts[s]}\n`);
  });

  test('certification.json/.md and history.jsonl: the same statuses and totals', () => {
    const cert = JSON.parse(read('certification.json')) as { totals: Record<string, number>; exitCode: number; verdict: string; behaviours: { id: string; level: string; status: string }[] };
    expect(cert.behaviours.map((b) => [b.id, b.level, b.status])).toEqual(summary.behaviours.map((b) => [b.id, b.level, b.status]));
    expect([cert.totals, cert.exitCode, cert.verdict]).toEqual([summary.counts, summary.exitCode, summary.verdict]);
    expect(read('certification.md')).toContain(`| totals | ${formatCounts(summary.counts)} |`);
    const history = read('history.jsonl').trim().split('\n').map((l) => JSON.parse(l) as { counts: Record<string, number>; failed: string[]; results: Record<string, string> });
    const last = history[history.length - 1]!;
    expect(last.counts).toEqual(summary.counts);
    expect(last.results).toEqual(Object.fromEntries(statuses));
    expect(last.failed).toEqual(summary.behaviours.filter((b) => b.status === 'failed').map((b) => b.id));
  });

  test('the printed summary (and summary.txt): the same counts, and every behaviour that did not pass under its status', () => {
    const printed = run.stdout.slice(run.stdout.lastIndexOf('\nmetaconform summary'));
    expect(read('summary.txt').trim()).toBe(printed.trim());
    const countsLine = printed.split('\n').find((l) => l.startsWith('behaviours: '))!;
    expect(countsLine).toBe(`behaviours: ${formatCounts(summary.counts)}`);
    for (const status of STATUSES.filter((s) => s !== 'passed')) {
      const tag = SUMMARY_TAG[status]!;
      const listed = printed.split('\n').filter((l) => l.startsWith(`  ${tag.padEnd(8)} `)).map((l) => l.slice(11).split(' ')[0]);
      expect(listed, status).toEqual(summary.behaviours.filter((b) => b.status === status).map((b) => b.id));
    }
    expect(printed).toContain(`verdict: ${summary.verdict} (exit 1)`);
  });
});

describe('JUnit from the summary', () => {
  test('details are XML-escaped (markup, quotes, newlines, characters XML cannot carry) and read back intact', () => {
    const nasty = 'expected "<meta>" & \'x\' ]]> got\n\u0001\u0008 é 🙂 \uD800';
    const fake: Summary = {
      profile: 'nova',
      behaviours: [
        { id: 'SM-KEY-001', rule: 'rule <&>', level: 'required', status: 'failed', reason: nasty, tests: [{ name: 't', target: 'x', file: 'f', behaviour: 'SM-KEY-001', api: 'v2', outcome: 'failed', detail: nasty }] },
        { id: 'SM-KEY-006', rule: 'r', level: 'informational', status: 'observed', reason: nasty, tests: [] },
      ],
      counts: countStatuses(['failed', 'observed']),
      problems: [],
      warnings: [nasty],
      exitCode: 1,
      verdict: 'NON-CONFORMANT',
    };
    const xml = formatJunit(fake, { name: 'metaconform "nova" <x>' });
    expect(xml).not.toMatch(/[\u0001\u0008]|\uD800(?![\uDC00-\uDFFF])/);
    const doc = parseJunit(xml);
    expect(doc.totals).toEqual({ tests: 2, failures: 1, errors: 0, skipped: 0 });
    expect(doc.cases.map((c) => [c.behaviour, c.status, c.kind, c.classname])).toEqual([['SM-KEY-001', 'failed', 'failure', 'SM-KEY'], ['SM-KEY-006', 'observed', 'passed', 'SM-KEY']]);
    expect(xml).toContain('message="expected &quot;&lt;meta&gt;&quot; &amp; &apos;x&apos; ]]&gt; got&#10;\uFFFD\uFFFD é 🙂 \uFFFD"');
  });
});
