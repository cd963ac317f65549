import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { findBehaviour } from '../../catalogue/index.ts';
import { PROFILES } from '../../profiles/index.ts';
import type { ApiVersion } from '../config/endpoint.ts';
import { ConfigError } from '../errors.ts';
import type { TestRecord } from './records.ts';

/**
 * A known failure of a target, kept out of the tests, as WPT keeps expectations: expected to fail (reported as
 * known) or skipped; for one API base (`api`) and/or one profile (`profile`) only, when given.
 */
export interface Expectation {
  id: string;
  expect: 'fail' | 'skip';
  reason: string;
  link?: string;
  /**
   * Only the tests on this base fail as expected ('v2' or 'v2.1'): the other base's tests still decide the
   * behaviour's status. A behaviour tested once across both bases (SM-V2-*) takes no `api`.
   */
  api?: ApiVersion;
  /** Only a run under this profile applies the entry; runs under other profiles ignore it. */
  profile?: string;
}

export interface Expectations {
  file: string;
  /** The entries that apply to the run (those of its profile and those for every profile). */
  entries: Expectation[];
}

const FLAG = '--expectations';
const APIS: readonly ApiVersion[] = ['v2', 'v2.1'];
const FIELDS = new Set(['id', 'expect', 'reason', 'link', 'api', 'profile']);

/** Whether two entries could both apply to one test (same behaviour; profiles and bases that overlap). */
function overlap(a: Expectation, b: Expectation): boolean {
  return a.id === b.id && (!a.profile || !b.profile || a.profile === b.profile) && (!a.api || !b.api || a.api === b.api);
}

/**
 * Reads an expectations file (YAML: a list of {id, expect: fail|skip, reason, link?, api?, profile?}); every
 * problem is a usage error. With a profile, only the entries that apply to a run under it are returned.
 */
export function loadExpectations(file: string, profile?: string): Expectations {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(FLAG, `cannot read ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  const list = (doc && typeof doc === 'object' && 'expectations' in doc ? (doc as { expectations: unknown }).expectations : doc) ?? [];
  if (!Array.isArray(list)) throw new ConfigError(FLAG, `${file} must hold a list of expectations`);
  const entries = list.map((raw, i): Expectation => {
    const e = (raw ?? {}) as Partial<Record<keyof Expectation, unknown>>;
    const where = `${file} entry ${i + 1}`;
    if (typeof e.id !== 'string' || !findBehaviour(e.id)) throw new ConfigError(FLAG, `${where}: unknown behaviour '${String(e.id)}' (see metaconform list)`);
    const unknown = Object.keys(e).filter((k) => !FIELDS.has(k));
    if (unknown.length) throw new ConfigError(FLAG, `${where} (${e.id}): unknown field ${unknown.map((k) => `'${k}'`).join(', ')} (known: ${[...FIELDS].join(', ')})`);
    if (e.expect !== 'fail' && e.expect !== 'skip') throw new ConfigError(FLAG, `${where} (${e.id}): expect must be 'fail' or 'skip'`);
    if (typeof e.reason !== 'string' || !e.reason.trim()) throw new ConfigError(FLAG, `${where} (${e.id}): a reason is required`);
    if (e.api !== undefined && !APIS.includes(e.api as ApiVersion)) throw new ConfigError(FLAG, `${where} (${e.id}): api must be 'v2' or 'v2.1', got ${JSON.stringify(e.api)}`);
    if (e.api !== undefined && e.expect === 'skip') throw new ConfigError(FLAG, `${where} (${e.id}): expect: skip applies to the whole behaviour; for one base, expect: fail`);
    if (e.profile !== undefined && (typeof e.profile !== 'string' || !Object.hasOwn(PROFILES, e.profile))) {
      throw new ConfigError(FLAG, `${where} (${e.id}): unknown profile ${JSON.stringify(e.profile)} (known: ${Object.keys(PROFILES).join(', ')})`);
    }
    if (e.api !== undefined && e.profile !== undefined && !PROFILES[e.profile as string]!.bases.includes(e.api as ApiVersion)) {
      throw new ConfigError(FLAG, `${where} (${e.id}): profile ${e.profile} has no base ${e.api as string}`);
    }
    return {
      id: e.id,
      expect: e.expect,
      reason: e.reason,
      ...(typeof e.link === 'string' ? { link: e.link } : {}),
      ...(e.api !== undefined ? { api: e.api as ApiVersion } : {}),
      ...(e.profile !== undefined ? { profile: e.profile as string } : {}),
    };
  });
  for (const [i, a] of entries.entries()) {
    const j = entries.findIndex((b, k) => k > i && overlap(a, b));
    if (j >= 0) throw new ConfigError(FLAG, `${file}: ${a.id} is listed twice (entries ${i + 1} and ${j + 1} apply to the same tests)`);
  }
  return { file, entries: profile === undefined ? entries : entries.filter((e) => !e.profile || e.profile === profile) };
}

/** Whether an expectation covers a test: the same behaviour, and its base when the entry names one. */
export function covers(e: Expectation, test: Pick<TestRecord, 'behaviour' | 'api'>): boolean {
  return e.id === test.behaviour && (!e.api || e.api === test.api);
}

/** The tests expected to fail, by behaviour and base (no api: every base), for the Allure results. */
export function expectedFailures(expectations: Expectations | undefined): { id: string; api?: ApiVersion }[] {
  return (expectations?.entries ?? []).filter((e) => e.expect === 'fail').map((e) => ({ id: e.id, ...(e.api ? { api: e.api } : {}) }));
}

/** One line naming an entry (the dry run, messages). */
export function describeExpectation(e: Expectation): string {
  const scope = [e.api && `on /${e.api}`, e.profile && `under ${e.profile}`].filter(Boolean).join(' ');
  return `${e.id}${scope ? ` ${scope}` : ''} expected to ${e.expect} (${e.reason})`;
}

/** What `--write-expectations` reads of a run's summary (summary.json). */
export interface RunOutcome {
  profile: string;
  target?: string;
  behaviours: readonly { id: string; status: string; tests: readonly Pick<TestRecord, 'api' | 'outcome' | 'detail'>[] }[];
  /** The expectations the run applied (their entries are carried over for the behaviours they made known). */
  expectations?: { entries: readonly Expectation[] };
}

/** The lines of a comment holding a failure message (at most 6 lines of 300 characters). */
function commentLines(text: string, indent: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter(Boolean)
    .slice(0, 6)
    .map((l) => `${indent}# ${l.length > 300 ? `${l.slice(0, 300)}…` : l}`);
}

/** An entry as YAML lines (a JSON string is a valid YAML scalar). */
function entryLines(e: Expectation): string[] {
  const q = (v: string) => (/^[\w.-]+$/.test(v) ? v : JSON.stringify(v));
  return [`- id: ${e.id}`, ...(e.api ? [`  api: ${q(e.api)}`] : []), ...(e.profile ? [`  profile: ${q(e.profile)}`] : []), `  expect: ${e.expect}`, `  reason: ${q(e.reason)}`, ...(e.link ? [`  link: ${q(e.link)}`] : [])];
}

/**
 * An expectations file started from a run's failures (`metaconform run --write-expectations FILE`): one entry per
 * failed behaviour, for one base (`api`) where only one base failed, with `reason: TODO` and the failure message
 * as a comment; the entries of the expectations the run applied are carried over for the behaviours they made
 * known. Every entry names the run's profile.
 */
export function expectationsFromRun(run: RunOutcome, when: string): string {
  const lines = [
    `# Expectations started by \`metaconform run --write-expectations\` from the run of ${when}${run.target ? ` against ${run.target}` : ''} (profile ${run.profile}).`,
    '# One entry per failed behaviour, for one API base where only that base failed. Replace every "reason: TODO" with',
    '# what the failure is (a ticket, a link) before gating on this file with --expectations.',
  ];
  const entries: string[] = [];
  for (const b of run.behaviours) {
    if (b.status === 'known') {
      for (const e of run.expectations?.entries.filter((x) => x.id === b.id && x.expect === 'fail') ?? []) entries.push(...entryLines(e));
      continue;
    }
    if (b.status !== 'failed') continue;
    const failed = b.tests.filter((t) => t.outcome === 'failed');
    const bases = [...new Set(failed.map((t) => t.api))];
    const others = b.tests.filter((t) => t.outcome !== 'failed' && t.outcome !== 'not-applicable');
    const api = bases.length === 1 && APIS.includes(bases[0] as ApiVersion) && others.length > 0 ? (bases[0] as ApiVersion) : undefined;
    entries.push(...entryLines({ id: b.id, ...(api ? { api } : {}), profile: run.profile, expect: 'fail', reason: 'TODO' }));
    for (const t of failed) entries.push(...commentLines(`[${t.api}] ${t.detail ?? 'failed'}`, '  '));
  }
  if (!entries.length) lines.push('# No behaviour failed: nothing is expected to fail.', '[]');
  return `${[...lines, ...entries].join('\n')}\n`;
}
