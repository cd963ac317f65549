import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Level } from '../../catalogue/index.ts';
import { redactText } from '../http/redact.ts';
import { STATUSES, type BehaviourResult, type BehaviourStatus, type Summary } from './summary.ts';

/**
 * results/junit.xml, written from the run's per-behaviour results (the summary), not by the test runner:
 * one <testcase> per behaviour, so that a CI gate counts what the summary counts.
 *
 * | status                                         | JUnit                                                   |
 * |------------------------------------------------|---------------------------------------------------------|
 * | failed (required)                              | <failure>                                               |
 * | error (required, no verdict)                   | <error>                                                 |
 * | not-applicable, untested, known (expected)     | <skipped message=…>                                     |
 * | passed, flaky, advisory-*, observed            | a passing testcase; <system-out> says FLAKY / ADVISORY … / OBSERVED … |
 *
 * So <testsuite failures> = the summary's failed, errors = error, skipped = not-applicable + untested + known,
 * tests = every behaviour. Each testcase carries its behaviour, level and status as properties.
 */
export type JunitKind = 'failure' | 'error' | 'skipped' | 'passed';

export function junitKind(status: BehaviourStatus): JunitKind {
  if (status === 'failed') return 'failure';
  if (status === 'error') return 'error';
  if (status === 'not-applicable' || status === 'untested' || status === 'known') return 'skipped';
  return 'passed';
}

export interface JunitTotals {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

export function junitTotals(statuses: readonly BehaviourStatus[]): JunitTotals {
  const kinds = statuses.map(junitKind);
  return { tests: statuses.length, failures: kinds.filter((k) => k === 'failure').length, errors: kinds.filter((k) => k === 'error').length, skipped: kinds.filter((k) => k === 'skipped').length };
}

/** The behaviour family, JUnit's classname: SM-KEY-006 → SM-KEY. */
export function familyOf(id: string): string {
  return id.replace(/-\d+$/, '');
}

/** Text safe in XML 1.0: characters XML cannot carry become U+FFFD (lone surrogates included). */
function xmlSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

export function escapeText(text: string): string {
  return xmlSafe(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttr(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

const HEADLINE: Partial<Record<BehaviourStatus, string>> = {
  failed: 'FAILED (required: the run is non-conformant)',
  error: 'NO VERDICT (required: the run exits 3 unless something failed)',
  flaky: 'FLAKY: failed, then passed on a retry (never reported as passed)',
  known: 'KNOWN FAILURE (expected by the expectations file; does not fail the run)',
  'advisory-failed': 'ADVISORY FAILED (advisory: reported, never fails the run)',
  'advisory-error': 'ADVISORY NO VERDICT (advisory: reported, never fails the run)',
  observed: 'OBSERVED (informational: recorded, never judged)',
  'not-applicable': 'NOT APPLICABLE',
  untested: 'UNTESTED: no test of this behaviour ran',
  passed: 'PASSED',
};

function outcomeWords(outcome: string): string {
  return outcome === 'error' ? 'no verdict' : outcome;
}

function testcase(b: BehaviourResult): string {
  const kind = junitKind(b.status);
  const message = b.reason ?? HEADLINE[b.status] ?? b.status;
  const out = [
    `${HEADLINE[b.status] ?? b.status}${b.stale ? ' — STALE EXPECTATION: expected to fail, but passes' : ''}`,
    `${b.id} (${b.level}): ${b.rule}`,
    ...(b.reason ? [`reason: ${b.reason}`] : []),
    ...(b.tests.length ? ['per API base:', ...b.tests.map((t) => `  ${t.api}: ${outcomeWords(t.outcome)}${t.detail ? ` — ${t.detail}` : ''}`)] : []),
  ].join('\n');
  const props = [['behaviour', b.id], ['level', b.level], ['status', b.status]].map(([n, v]) => `        <property name="${n}" value="${escapeAttr(v!)}"/>`).join('\n');
  const verdictElement =
    kind === 'failure' ? `      <failure type="non-conformance" message="${escapeAttr(message)}">${escapeText(message)}</failure>\n`
    : kind === 'error' ? `      <error type="no-verdict" message="${escapeAttr(message)}">${escapeText(message)}</error>\n`
    : kind === 'skipped' ? `      <skipped message="${escapeAttr(`${b.status === 'known' ? 'known failure (expected)' : b.status === 'untested' ? 'untested' : 'not applicable'}: ${message}`)}"/>\n`
    : '';
  return `    <testcase classname="${escapeAttr(familyOf(b.id))}" name="${escapeAttr(`[${b.id}] ${b.rule}`)}">\n      <properties>\n${props}\n      </properties>\n${verdictElement}      <system-out>${escapeText(out)}</system-out>\n    </testcase>`;
}

/** The JUnit document of a run (redacted like every output). */
export function formatJunit(summary: Summary, opts: { name: string; timestamp?: string; target?: string }): string {
  const totals = junitTotals(summary.behaviours.map((b) => b.status));
  const attrs = `tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" skipped="${totals.skipped}"`;
  const props: [string, string][] = [
    ['verdict', summary.verdict],
    ['exit status', String(summary.exitCode)],
    ...(opts.target ? ([['target', opts.target]] as [string, string][]) : []),
    ...STATUSES.map((s): [string, string] => [`behaviours ${s}`, String(summary.counts[s])]),
    ...summary.problems.map((p): [string, string] => ['problem', p]),
    ...summary.warnings.map((w): [string, string] => ['warning', w]),
  ];
  const xml = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeAttr(opts.name)}" ${attrs}>`,
    `  <testsuite name="${escapeAttr(opts.name)}" ${attrs}${opts.timestamp ? ` timestamp="${escapeAttr(opts.timestamp)}"` : ''}>`,
    '    <properties>',
    ...props.map(([n, v]) => `      <property name="${escapeAttr(n)}" value="${escapeAttr(v)}"/>`),
    '    </properties>',
    ...summary.behaviours.map(testcase),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
  return redactText(xml);
}

export interface JunitCase {
  classname: string;
  name: string;
  kind: JunitKind;
  /** From the testcase's properties. */
  behaviour?: string;
  level?: string;
  status?: string;
}

export interface JunitDocument {
  totals: JunitTotals;
  cases: JunitCase[];
}

type Node = Record<string, unknown>;

function asArray(v: unknown): Node[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]) as Node[];
}

function count(node: Node, attr: string): number {
  const raw = node[attr];
  if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw)) throw new Error(`<testsuite> attribute ${attr} is ${raw === undefined ? 'missing' : 'not a count'}`);
  return Number(raw);
}

/**
 * Reads a JUnit document written by formatJunit (a bundle's junit.xml): totals of its one testsuite and every
 * testcase with its kind and properties. Throws an Error with a one-line message for anything malformed.
 */
export function parseJunit(xml: string): JunitDocument {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new Error('a DOCTYPE or entity declaration is not allowed');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    processEntities: true,
    htmlEntities: false,
    isArray: (name, _path, _leaf, isAttribute) => !isAttribute && ['testsuite', 'testcase', 'properties', 'property', 'failure', 'error', 'skipped', 'system-out'].includes(name),
  });
  const doc = parser.parse(xml) as Node;
  const root = doc.testsuites as Node | undefined;
  if (!root || typeof root !== 'object') throw new Error('no <testsuites> root element');
  const suites = asArray(root.testsuite);
  if (suites.length !== 1) throw new Error(`expected one <testsuite>, found ${suites.length}`);
  const suite = suites[0]!;
  const totals: JunitTotals = { tests: count(suite, 'tests'), failures: count(suite, 'failures'), errors: count(suite, 'errors'), skipped: count(suite, 'skipped') };
  const rootTotals: JunitTotals = { tests: count(root, 'tests'), failures: count(root, 'failures'), errors: count(root, 'errors'), skipped: count(root, 'skipped') };
  if (JSON.stringify(rootTotals) !== JSON.stringify(totals)) throw new Error(`<testsuites> totals ${JSON.stringify(rootTotals)} differ from <testsuite> totals ${JSON.stringify(totals)}`);
  const cases = asArray(suite.testcase).map((tc, i): JunitCase => {
    if (typeof tc !== 'object' || tc === null) throw new Error(`testcase ${i + 1} is empty`);
    const { classname, name } = tc as { classname?: unknown; name?: unknown };
    if (typeof classname !== 'string' || typeof name !== 'string') throw new Error(`testcase ${i + 1} has no classname or name`);
    const present = (['failure', 'error', 'skipped'] as const).filter((k) => asArray(tc[k]).length > 0);
    if (present.length > 1 || present.some((k) => asArray(tc[k]).length > 1)) throw new Error(`testcase ${i + 1} (${name.slice(0, 40)}) has more than one verdict element`);
    const props: Record<string, string> = {};
    for (const block of asArray(tc.properties)) {
      for (const p of asArray((block as Node).property)) {
        const { name: n, value: v } = p as { name?: unknown; value?: unknown };
        if (typeof n !== 'string' || typeof v !== 'string') throw new Error(`testcase ${i + 1} has a malformed property`);
        if (n in props) throw new Error(`testcase ${i + 1} has the property ${n} twice`);
        props[n] = v;
      }
    }
    return {
      classname,
      name,
      kind: present[0] ?? 'passed',
      ...(props.behaviour !== undefined ? { behaviour: props.behaviour } : {}),
      ...(props.level !== undefined ? { level: props.level as Level } : {}),
      ...(props.status !== undefined ? { status: props.status } : {}),
    };
  });
  return { totals, cases };
}
