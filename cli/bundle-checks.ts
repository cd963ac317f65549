import { Ajv, type ValidateFunction } from 'ajv';
import { appliesTo, type Behaviour, type Level } from '../catalogue/index.ts';
import { PROFILES } from '../profiles/index.ts';
import { aggregateAllure, allureStatus } from '../lib/results/allure.ts';
import { junitKind, junitTotals, parseJunit } from '../lib/results/junit.ts';
import { behaviourStatus, countStatuses, STATUSES, type BehaviourStatus } from '../lib/results/summary.ts';
import type { TestOutcome } from '../lib/results/records.ts';

/**
 * What verify checks inside a bundle once its files are read and its catalogue is verified: the shape of every
 * JSON file, that certification.json, summary.json, junit.xml and the Allure results tell the same story per
 * behaviour (by the mapping of lib/results: summary.ts, junit.ts, allure.ts), and the judgement itself, with
 * levels and profiles from the verified catalogue. Every problem is one line naming the behaviour and files.
 */
export const FILES = {
  meta: 'bundle.json',
  catalogue: 'catalogue.json',
  certification: 'certification.json',
  summary: 'summary.json',
  junit: 'junit.xml',
  allure: 'allure-results/',
} as const;

const OUTCOMES: readonly TestOutcome[] = ['passed', 'failed', 'not-applicable', 'error'];
const LEVELS: readonly Level[] = ['required', 'advisory', 'informational'];
const str = { type: 'string', maxLength: 100_000 } as const;
const counts = { type: 'object', required: [...STATUSES], additionalProperties: false, properties: Object.fromEntries(STATUSES.map((s) => [s, { type: 'integer', minimum: 0 }])) };
const nameValue = { type: 'array', items: { type: 'object', required: ['name', 'value'], properties: { name: str, value: str } } };

const SCHEMAS = {
  meta: {
    type: 'object',
    required: ['suite', 'profile', 'catalogueSha256', 'applied'],
    properties: {
      suite: { type: 'object', required: ['name', 'version'], properties: { name: { const: 'metaconform' }, version: { type: 'string', maxLength: 64 }, commit: str } },
      profile: { type: 'string', maxLength: 64 },
      catalogueSha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      applied: { type: 'object', required: ['selection', 'expectations', 'retries'], properties: { selection: str, expectations: {}, retries: {} } },
    },
  },
  catalogue: {
    type: 'array',
    items: {
      type: 'object',
      required: ['id', 'rule', 'level'],
      properties: { id: { type: 'string', pattern: '^[A-Z]+-[A-Z0-9]+-[0-9]{3}$' }, rule: str, level: { enum: LEVELS }, profiles: { type: 'array', items: str } },
    },
  },
  certification: {
    type: 'object',
    required: ['suite', 'profile', 'selection', 'expectations', 'totals', 'verdict', 'exitCode', 'behaviours'],
    properties: {
      suite: { type: 'object', required: ['name', 'version'], properties: { name: { const: 'metaconform' }, version: str } },
      profile: str,
      selection: str,
      expectations: { type: ['string', 'null'] },
      totals: counts,
      verdict: str,
      exitCode: { type: 'integer' },
      behaviours: { type: 'array', items: { type: 'object', required: ['id', 'level', 'status'], properties: { id: str, level: str, status: { enum: STATUSES }, reason: str } } },
    },
  },
  summary: {
    type: 'object',
    required: ['suiteVersion', 'profile', 'selection', 'behaviours', 'counts', 'problems', 'exitCode', 'verdict'],
    properties: {
      suiteVersion: str,
      profile: str,
      selection: { type: 'object', required: ['description'], properties: { description: str } },
      behaviours: {
        type: 'array',
        items: {
          type: 'object',
          required: ['id', 'level', 'status', 'tests'],
          properties: {
            id: str,
            level: str,
            status: { enum: STATUSES },
            stale: { type: 'boolean' },
            reason: str,
            tests: { type: 'array', items: { type: 'object', required: ['name', 'behaviour', 'api', 'outcome'], properties: { name: str, behaviour: str, api: str, outcome: { enum: OUTCOMES }, detail: str } } },
          },
        },
      },
      counts,
      problems: { type: 'array', items: str },
      exitCode: { type: 'integer' },
      verdict: str,
    },
  },
  allureResult: {
    type: 'object',
    required: ['name', 'status', 'labels', 'parameters'],
    properties: { name: str, status: str, labels: nameValue, parameters: nameValue, statusDetails: { type: 'object' } },
  },
} as const;

export interface Meta {
  suite: { name: 'metaconform'; version: string; commit?: string };
  profile: string;
  catalogueSha256: string;
  applied: { selection: string; expectations: unknown; retries: unknown };
}
interface Certification {
  suite: { version: string };
  profile: string;
  selection: string;
  expectations: string | null;
  totals: Record<BehaviourStatus, number>;
  verdict: string;
  exitCode: number;
  behaviours: { id: string; level: string; status: BehaviourStatus }[];
}
interface SummaryFile {
  suiteVersion: string;
  profile: string;
  selection: { description: string; [k: string]: unknown };
  expectations?: unknown;
  behaviours: { id: string; level: string; status: BehaviourStatus; stale?: boolean; tests: { name: string; behaviour: string; api: string; outcome: TestOutcome; detail?: string }[] }[];
  counts: Record<BehaviourStatus, number>;
  problems: string[];
  exitCode: number;
  verdict: string;
}
interface AllureResult {
  name: string;
  status: string;
  labels: { name: string; value: string }[];
  parameters: { name: string; value: string }[];
  statusDetails?: object;
}

const validators = new Map<keyof typeof SCHEMAS, ValidateFunction>();
let ajv: Ajv | undefined;
function validator(name: keyof typeof SCHEMAS): ValidateFunction {
  let fn = validators.get(name);
  if (!fn) {
    ajv ??= new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
    fn = ajv.compile(SCHEMAS[name] as object);
    validators.set(name, fn);
  }
  return fn;
}

/** A file's JSON of the expected shape, or undefined with a problem (one line) pushed. */
export function readJson<T>(files: ReadonlyMap<string, Buffer>, path: string, schema: keyof typeof SCHEMAS, problems: string[]): T | undefined {
  const raw = files.get(path);
  if (!raw) {
    problems.push(`${path} is missing`);
    return undefined;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(raw.toString('utf8'));
  } catch (e) {
    problems.push(`${path}: not valid JSON (${(e as Error).message})`);
    return undefined;
  }
  const validate = validator(schema);
  if (!validate(doc)) {
    const err = validate.errors?.[0];
    problems.push(`${path}: unexpected shape at ${err?.instancePath || '(top)'}: ${err?.message ?? 'invalid'}`);
    return undefined;
  }
  return doc as T;
}

/** Entries by behaviour ID, each duplicate reported as a problem (the first entry is kept). */
function byId<T>(entries: readonly T[], idOf: (e: T) => string, file: string, problems: string[]): Map<string, T> {
  const map = new Map<string, T>();
  for (const e of entries) {
    const id = idOf(e);
    if (map.has(id)) problems.push(`${id}: duplicate behaviour entry in ${file}`);
    else map.set(id, e);
  }
  return map;
}

function same(a: object, b: object): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The verified catalogue (its digest already matched the released one), or undefined with a problem. */
export function readCatalogue(files: ReadonlyMap<string, Buffer>, problems: string[]): Behaviour[] | undefined {
  const catalogue = readJson<Behaviour[]>(files, FILES.catalogue, 'catalogue', problems);
  if (!catalogue) return undefined;
  const ids = new Set<string>();
  for (const b of catalogue) {
    if (ids.has(b.id)) {
      problems.push(`${b.id}: duplicate behaviour entry in ${FILES.catalogue}`);
      return undefined;
    }
    ids.add(b.id);
  }
  return catalogue;
}

/**
 * Cross-checks and judgement of a bundle whose manifest, signature and catalogue were checked: returns the
 * problems (each rejects the bundle) and notes.
 */
export function checkResults(files: ReadonlyMap<string, Buffer>, meta: Meta, catalogue: readonly Behaviour[]): { problems: string[]; notes: string[] } {
  const problems: string[] = [];
  const notes: string[] = [];
  const levelOf = new Map(catalogue.map((b) => [b.id, b.level]));
  const profile = meta.profile;
  if (!Object.hasOwn(PROFILES, profile)) problems.push(`${FILES.meta}: unknown profile ${JSON.stringify(profile)} (known: ${Object.keys(PROFILES).join(', ')})`);
  const applied = meta.applied;
  if (applied.selection !== 'full catalogue' || applied.expectations !== null || applied.retries !== 0) problems.push(`${FILES.meta}: a selection, expectations or retries were applied: ${JSON.stringify(applied).slice(0, 200)}`);

  // certification.json: what the certifier reads; every other file must agree with it
  const cert = readJson<Certification>(files, FILES.certification, 'certification', problems);
  const summary = readJson<SummaryFile>(files, FILES.summary, 'summary', problems);
  if (!cert) return { problems, notes };
  if (cert.suite.version !== meta.suite.version) problems.push(`${FILES.certification} names metaconform ${cert.suite.version}, ${FILES.meta} ${meta.suite.version}`);
  if (cert.profile !== profile) problems.push(`${FILES.certification} names profile '${cert.profile}', ${FILES.meta} '${profile}'`);
  if (cert.selection !== 'full catalogue' || cert.expectations !== null) problems.push(`${FILES.certification} records a partial run or expectations (${cert.selection}; ${cert.expectations})`);
  const certById = byId(cert.behaviours, (b) => b.id, FILES.certification, problems);
  const statusOf = new Map([...certById].map(([id, b]) => [id, b.status]));
  for (const b of catalogue) if (!certById.has(b.id)) problems.push(`${b.id}: in the catalogue, missing from ${FILES.certification}`);
  for (const [id, b] of certById) {
    const level = levelOf.get(id);
    if (!level) problems.push(`${id}: in ${FILES.certification}, not in the catalogue`);
    else if (b.level !== level) problems.push(`${id}: ${FILES.certification} says level ${b.level}, the catalogue ${level}`);
  }
  const recount = countStatuses(cert.behaviours.map((b) => b.status));
  if (!same(cert.totals, recount)) problems.push(`${FILES.certification}: totals ${JSON.stringify(cert.totals)} differ from its behaviours' ${JSON.stringify(recount)}`);

  // summary.json: the same statuses, and each one follows from its tests by the level
  const summaryTests = new Map<string, { outcome: TestOutcome; level: Level }>();
  if (summary) {
    if (summary.suiteVersion !== meta.suite.version) problems.push(`${FILES.summary} names metaconform ${summary.suiteVersion}, ${FILES.meta} ${meta.suite.version}`);
    if (summary.profile !== profile) problems.push(`${FILES.summary} names profile '${summary.profile}', ${FILES.meta} '${profile}'`);
    if (summary.selection.description !== 'full catalogue' || 'expectations' in summary) problems.push(`${FILES.summary} records a partial run or expectations`);
    if (summary.problems.length) problems.push(`${FILES.summary}: the run had problems: ${summary.problems[0]}`);
    const sumById = byId(summary.behaviours, (b) => b.id, FILES.summary, problems);
    for (const [id, b] of sumById) {
      const level = levelOf.get(id);
      const behaviour = catalogue.find((x) => x.id === id);
      if (!level || !behaviour) {
        problems.push(`${id}: in ${FILES.summary}, not in the catalogue`);
        continue;
      }
      if (b.level !== level) problems.push(`${id}: ${FILES.summary} says level ${b.level}, the catalogue ${level}`);
      if (b.stale) problems.push(`${id}: ${FILES.summary} marks a stale expectation (no expectation may be applied)`);
      if (b.status !== statusOf.get(id)) problems.push(`${id}: ${FILES.certification} says ${statusOf.get(id) ?? '(absent)'}, ${FILES.summary} says ${b.status}`);
      const expected = appliesTo(behaviour, profile) ? behaviourStatus(level, b.tests).status : b.tests.length ? 'tests of a behaviour outside the profile' : 'not-applicable';
      if (b.status !== expected) problems.push(`${id}: ${FILES.summary} says ${b.status}, its tests make it ${expected}`);
      for (const t of b.tests) {
        const key = `${id} [${t.api}] ${t.name}`;
        if (t.behaviour !== id) problems.push(`${id}: ${FILES.summary} lists a test of ${t.behaviour} under it`);
        else if (summaryTests.has(key)) problems.push(`${id}: duplicate test entry [${t.api}] in ${FILES.summary}`);
        else summaryTests.set(key, { outcome: t.outcome, level });
      }
    }
    for (const id of certById.keys()) if (!sumById.has(id)) problems.push(`${id}: in ${FILES.certification}, missing from ${FILES.summary}`);
    if (!same(summary.counts, recount)) problems.push(`${FILES.summary}: counts ${JSON.stringify(summary.counts)} differ from ${FILES.certification}'s behaviours ${JSON.stringify(recount)}`);
    if (summary.exitCode !== cert.exitCode || summary.verdict !== cert.verdict) problems.push(`${FILES.summary} (exit ${summary.exitCode}) and ${FILES.certification} (exit ${cert.exitCode}) disagree on the verdict`);
  }

  // junit.xml: one testcase per behaviour, its kind and properties from the status
  const junitRaw = files.get(FILES.junit);
  if (!junitRaw) problems.push(`${FILES.junit} is missing`);
  else {
    try {
      const junit = parseJunit(junitRaw.toString('utf8'));
      const cases = byId(junit.cases, (c) => c.behaviour ?? `(testcase ${c.name.slice(0, 40)} without a behaviour property)`, FILES.junit, problems);
      for (const [id, c] of cases) {
        const status = statusOf.get(id);
        if (status === undefined) {
          problems.push(`${id}: in ${FILES.junit}, missing from ${FILES.certification}`);
          continue;
        }
        if (c.status !== status) problems.push(`${id}: ${FILES.certification} says ${status}, ${FILES.junit} says ${c.status ?? '(no status)'}`);
        if (c.kind !== junitKind(status)) problems.push(`${id}: ${FILES.junit} reports it as ${c.kind}, its status ${status} is ${junitKind(status)}`);
        if (c.level !== levelOf.get(id)) problems.push(`${id}: ${FILES.junit} says level ${c.level ?? '(none)'}, the catalogue ${levelOf.get(id)}`);
      }
      for (const id of certById.keys()) if (!cases.has(id)) problems.push(`${id}: in ${FILES.certification}, missing from ${FILES.junit}`);
      const totals = junitTotals(cert.behaviours.map((b) => b.status));
      if (!same(junit.totals, totals)) problems.push(`${FILES.junit}: totals ${JSON.stringify(junit.totals)} differ from ${FILES.certification}'s ${JSON.stringify(totals)}`);
    } catch (e) {
      problems.push(`${FILES.junit}: ${(e as Error).message}`);
    }
  }

  // Allure results: per behaviour label, the same status; per test, the status its outcome and level give
  const results: { file: string; result: AllureResult }[] = [];
  for (const path of [...files.keys()].filter((p) => p.startsWith(FILES.allure) && p.endsWith('-result.json')).sort()) {
    const result = readJson<AllureResult>(files, path, 'allureResult', problems);
    if (result) results.push({ file: path, result });
  }
  if (!results.length) problems.push(`${FILES.allure}: no test results`);
  const allure = aggregateAllure(results, (id) => levelOf.get(id));
  problems.push(...allure.problems);
  for (const [id, b] of allure.behaviours) {
    const status = statusOf.get(id);
    if (status === undefined) problems.push(`${id}: in ${FILES.allure}, missing from ${FILES.certification}`);
    else if (b.status !== status) problems.push(`${id}: ${FILES.certification} says ${status}, ${FILES.allure} say ${b.status}`);
  }
  for (const [id, status] of statusOf) if (status !== 'untested' && !allure.behaviours.has(id) && levelOf.has(id) && appliesTo(catalogue.find((x) => x.id === id)!, profile)) problems.push(`${id}: ${status} in ${FILES.certification}, no result in ${FILES.allure}`);
  if (summary) {
    const allureTests = new Map(results.map(({ result }) => [`${result.labels.find((l) => l.name === 'behaviour')?.value} [${result.parameters.find((p) => p.name === 'api')?.value}] ${result.name}`, result.status]));
    for (const [key, t] of summaryTests) {
      const seen = allureTests.get(key);
      if (seen === undefined) problems.push(`${key.split(' ')[0]}: test ${key.split(' ')[1]} of ${FILES.summary} has no result in ${FILES.allure}`);
      else if (seen !== allureStatus(t.level, t.outcome)) problems.push(`${key.split(' ')[0]}: test ${key.split(' ')[1]} is ${t.outcome} in ${FILES.summary}, ${seen} in ${FILES.allure}`);
    }
    for (const key of allureTests.keys()) if (!summaryTests.has(key)) problems.push(`${key.split(' ')[0]}: test ${key.split(' ')[1]} in ${FILES.allure} is not in ${FILES.summary}`);
  }

  // the judgement, with levels and profiles from the verified catalogue
  for (const b of catalogue) {
    const status = statusOf.get(b.id);
    if (status === undefined) continue;
    if (status === 'known' || status === 'flaky') problems.push(`${b.id}: ${status} — no expectation or retry may be applied to a certification run`);
    else if (b.level !== 'required' || !appliesTo(b, profile)) continue;
    else if (status === 'not-applicable') notes.push(`${b.id}: required behaviour not applicable to this target (see certification.md for the reason)`);
    else if (status !== 'passed') problems.push(`${b.id}: required behaviour ${status}`);
  }
  if (cert.exitCode !== 0) problems.push(`${FILES.certification}: the run exited ${cert.exitCode} (${cert.verdict.slice(0, 120)})`);
  const apart = cert.behaviours.filter((b) => b.status === 'advisory-failed' || b.status === 'advisory-error');
  if (apart.length) notes.push(`advisory, reported and not judged: ${apart.map((b) => `${b.id} ${b.status}`).join(', ')}`);
  const observed = cert.behaviours.filter((b) => b.status === 'observed').length;
  if (observed) notes.push(`${observed} informational behaviour(s) observed (recorded, not judged)`);
  return { problems, notes };
}
