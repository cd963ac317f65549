import { randomInt } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Metadata } from '../lib/clients/metadata-client.ts';
import { apiBases, type ApiVersion } from '../lib/config/endpoint.ts';
import { loadConfig, type RunConfig } from '../lib/config/load.ts';
import { ConfigError, EXIT, InfrastructureError } from '../lib/errors.ts';
import { Explorer, type ExploreResult, type Side } from '../lib/explore/engine.ts';
import { exploreDocument, formatReport, replayScript, SEQUENCE_BEHAVIOUR, sequenceOutcome, writeAllureResult, type ReportContext } from '../lib/explore/report.ts';
import type { Step } from '../lib/explore/steps.ts';
import { httpFor } from '../lib/harness/tokens.ts';
import { HttpClient } from '../lib/http/client.ts';
import { json } from '../lib/http/exchange.ts';
import { redactText, registerSecret } from '../lib/http/redact.ts';
import { writeCertification } from '../lib/results/certification.ts';
import { appendHistory } from '../lib/results/history.ts';
import { formatJunit } from '../lib/results/junit.ts';
import type { RunRecord } from '../lib/results/records.ts';
import { formatSummary, summarise, type Summary } from '../lib/results/summary.ts';
import { writeAllureRunInfo } from '../reporters/allure-reporter.ts';
import { startReference, type ReferenceServer } from '../reference/server.ts';
import { AGAINST_PREFIX } from './environment.ts';
import { RESULT_FILES, suiteVersion } from './paths.ts';
import { scrubOnExit } from './safety.ts';
import { newRunId } from './servers.ts';
import { connectEndpoint, runnerHttp, startEmbedded, type ResolvedTarget } from './resolve-target.ts';
import { undoRun } from './undo.ts';
import { checkMutant, ensureResultsDir } from './usage.ts';

/**
 * `metaconform explore`: stateful differential testing (lib/explore/). Random, valid sequences of the documented
 * operations, mixed with invalid requests whose answers the catalogue fixes, go to the target and, the same ones,
 * to the reference model under the target's profile (an in-process reference started for the purpose) or, with
 * `--against`, to a second live target; after every step the answers and the stored sets are compared. A
 * divergence is shrunk to a shortest sequence that still diverges and reported with the seed, the steps, both
 * answers and a curl script. The result is SM-SEQ-001's (advisory) in the results folder's summary, JUnit,
 * Allure and certification files; with `--against` it is reported, not judged (SM-SEQ-001 not applicable).
 *
 * It uses the run's machinery: the endpoint is resolved like `run` resolves it (connectEndpoint: the journal
 * before the first write, the server marker), only the server's metadata is written, and the end of the run
 * (also on Ctrl-C or SIGTERM) undoes it (undoRun: the metadata put back and read back, the marker released).
 */

/** Exit status when the sequences diverged (from the reference model) or differed (from a second target). */
export const EXIT_DIVERGED = 4;

export const DEFAULT_REQUESTS = 300;
export const DEFAULT_SHRINK_REQUESTS = 2000;
const MAX_REQUESTS = 1_000_000;
const EXPLORE_FOLDER = 'explore';
/** What explore writes besides the run's result files (removed before it starts, like those); `against/` holds the second target's journal copy. */
const OWN_FILES = ['explore.json', 'explore.txt', 'sequence.json', 'replay.sh', 'against'] as const;

export const EXPLORE_USAGE = `usage: metaconform explore [--seed S] [--requests N] [--shrink-requests M] [--against URL|CLOUD] [--replay FILE] [--profile NAME] [--results-dir DIR]`;

interface ExploreOptions {
  seed: number;
  seedGiven: boolean;
  requests: number;
  shrinkRequests: number;
  against?: string;
  replay?: { file: string; steps: Step[] };
  env: Record<string, string>;
}

function wholeNumber(flag: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new ConfigError(flag, `must be a whole number from ${min} to ${max}, got '${raw}'`);
  return Number(raw);
}

/** The steps of a sequence a report wrote: sequence.json, or explore.json's shrunk sequence. */
function readSequence(file: string): { steps: Step[]; seed?: number } {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError('--replay', `cannot read ${file}: ${(e as Error).message}`);
  }
  const d = doc as { sequence?: unknown; divergence?: { sequence?: unknown } } | undefined;
  const steps = Array.isArray(doc) ? doc : (d?.sequence ?? d?.divergence?.sequence);
  const ok = Array.isArray(steps) && steps.length > 0 && steps.every((s) => typeof s === 'object' && s !== null && typeof (s as { op?: unknown }).op === 'string' && ((s as { api?: unknown }).api === 'v2' || (s as { api?: unknown }).api === 'v2.1'));
  if (!ok) throw new ConfigError('--replay', `${file} holds no sequence of steps (explore writes one to sequence.json and explore.json when a sequence diverges)`);
  const seed = (doc as { seed?: unknown }).seed;
  return { steps: steps as Step[], ...(typeof seed === 'number' && Number.isSafeInteger(seed) ? { seed } : {}) };
}

export function parseExploreArgs(args: string[]): ExploreOptions {
  const known: Record<string, string> = { '--seed': 'seed', '--requests': 'requests', '--shrink-requests': 'shrink', '--against': 'against', '--replay': 'replay', '--profile': 'METACONFORM_PROFILE', '--results-dir': 'METACONFORM_RESULTS_DIR' };
  const given: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    if (!Object.hasOwn(known, flag)) throw new ConfigError(args[i]!, `unknown option (known: ${Object.keys(known).join(', ')})`);
    const v = inline ?? args[++i];
    if (v === undefined || v === '') throw new ConfigError(flag, 'needs a value');
    given[known[flag]!] = v;
  }
  if (given.seed !== undefined && !/^-?\d+$/.test(given.seed)) throw new ConfigError('--seed', `must be a whole number, got '${given.seed}'`);
  const replay = given.replay !== undefined ? { file: given.replay, ...readSequence(given.replay) } : undefined;
  // a replay keeps the seed its sequence was found with (for the report)
  const seed = given.seed !== undefined ? Number(given.seed) : (replay?.seed ?? randomInt(0, 2 ** 31 - 1));
  if (!Number.isSafeInteger(seed) || seed < -(2 ** 31) || seed >= 2 ** 31) throw new ConfigError('--seed', `must be a 32-bit whole number, got '${given.seed}'`);
  const env: Record<string, string> = {};
  if (given.METACONFORM_PROFILE) env.METACONFORM_PROFILE = given.METACONFORM_PROFILE;
  if (given.METACONFORM_RESULTS_DIR) env.METACONFORM_RESULTS_DIR = given.METACONFORM_RESULTS_DIR;
  return {
    seed,
    seedGiven: given.seed !== undefined || replay?.seed !== undefined,
    requests: given.requests === undefined ? DEFAULT_REQUESTS : wholeNumber('--requests', given.requests, 8, MAX_REQUESTS),
    shrinkRequests: given.shrink === undefined ? DEFAULT_SHRINK_REQUESTS : wholeNumber('--shrink-requests', given.shrink, 0, MAX_REQUESTS * 10),
    ...(given.against !== undefined ? { against: given.against } : {}),
    ...(replay ? { replay: { file: replay.file, steps: replay.steps } } : {}),
    env,
  };
}

/**
 * The environment of the second target (`--against`): this one without the first target's settings, then every
 * METACONFORM_AGAINST_<NAME> as its own setting (METACONFORM_AGAINST_OS_TOKEN → OS_TOKEN, METACONFORM_AGAINST_SERVER_ID
 * → METACONFORM_SERVER_ID), and the URL (METACONFORM_COMPUTE_URL) or the clouds.yaml entry (OS_CLOUD) given.
 */
export function againstEnvironment(spec: string, env: Record<string, string | undefined>): Record<string, string | undefined> {
  const targetOwn = /^(OS_(?!CLIENT_CONFIG_FILE$)|METACONFORM_(TARGET|COMPUTE_URL|SERVER_ID|IMAGE_ID|ERROR_SERVER_ID|UNLAUNCHED_SERVER_ID|OTHER_PROJECT_SERVER_ID|FLAVOR|BOOT_IMAGE|NETWORK|BOOT_TIMEOUT_S|BASES|REFERENCE_MUTANT)$)/;
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) if (!targetOwn.test(k) && !k.startsWith(AGAINST_PREFIX)) out[k] = v;
  for (const [k, v] of Object.entries(env)) {
    if (!k.startsWith(AGAINST_PREFIX)) continue;
    const name = k.slice(AGAINST_PREFIX.length);
    out[name.startsWith('OS_') ? name : `METACONFORM_${name}`] = v;
  }
  if (/^https?:\/\//i.test(spec)) out.METACONFORM_COMPUTE_URL = spec;
  else out.OS_CLOUD = spec;
  out.METACONFORM_TARGET = 'endpoint';
  return out;
}

/** The metadata item limit a target announces (GET /limits: maxServerMeta), or undefined (none, -1, or no answer). */
async function announcedLimit(http: HttpClient, base: string): Promise<number | undefined> {
  const ex = await http.send('GET', `${base}/limits`, { allow5xx: true });
  if (ex.response.status < 200 || ex.response.status >= 300) return undefined;
  const value = (json(ex) as { limits?: { absolute?: Record<string, unknown> } } | undefined)?.limits?.absolute?.maxServerMeta;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

function counted(make: (onExchange: () => void) => HttpClient): { http: HttpClient; sent: () => number } {
  let n = 0;
  return { http: make(() => n++), sent: () => n };
}

function shellQuote(text: string): string {
  return /^[\w./:=-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/** `metaconform explore`; returns the exit status. */
export async function runExploreCommand(args: string[], log: (line: string) => void = (l) => console.log(l)): Promise<number> {
  const opts = parseExploreArgs(args);
  const config0 = loadConfig({ ...process.env, ...opts.env });
  if (config0.target.kind === 'reference') await checkMutant(config0.target.mutant);
  // explore's own results folder: --results-dir as given, else explore/ in the run's results folder
  const resultsDir = ensureResultsDir(opts.env.METACONFORM_RESULTS_DIR ?? join(config0.resultsDir, EXPLORE_FOLDER), opts.env.METACONFORM_RESULTS_DIR ? '--results-dir' : 'METACONFORM_RESULTS_DIR');
  const config: RunConfig = { ...config0, resultsDir };
  let againstConfig: RunConfig | undefined;
  if (opts.against !== undefined) {
    try {
      againstConfig = { ...loadConfig(againstEnvironment(opts.against, process.env)), resultsDir: join(resultsDir, 'against') };
    } catch (e) {
      if (e instanceof ConfigError) throw new ConfigError('--against', e.message);
      throw e;
    }
    if (againstConfig.profile.name !== config.profile.name) throw new ConfigError('--against', `the second target is judged under the same profile (${config.profile.name}), not ${againstConfig.profile.name}`);
  }
  scrubOnExit(resultsDir);
  for (const name of [...Object.values(RESULT_FILES), ...OWN_FILES]) rmSync(join(resultsDir, name), { recursive: true, force: true });
  if (againstConfig) ensureResultsDir(againstConfig.resultsDir, '--results-dir');
  return explore(config, againstConfig, opts, log);
}

async function explore(config: RunConfig, againstConfig: RunConfig | undefined, opts: ExploreOptions, log: (line: string) => void): Promise<number> {
  const startedAt = new Date().toISOString();
  const started = Date.now();
  const { profile } = config;
  const runId = newRunId();
  const stop = new AbortController();
  let stopReason: string | undefined;
  const resolvedSides: { resolved: ResolvedTarget; config: RunConfig }[] = [];
  let model: ReferenceServer | undefined;
  let undoing: Promise<string[]> | undefined;
  /** Undoes every side (once): the journals' metadata put back and read back, the markers released, the references closed. */
  const undo = (): Promise<string[]> =>
    (undoing ??= (async () => {
      const problems: string[] = [];
      for (const { resolved, config: c } of resolvedSides) {
        if (resolved.journal) problems.push(...(await undoRun(runnerHttp(resolved.target, c), resolved.journal.file, resolved.journal.journal, log)).map((p) => `${resolved.target.label}: ${p}`));
        await resolved.reference?.close();
      }
      await model?.close();
      return problems;
    })());
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      stopReason = `${signal} received`;
      log(`metaconform: ${signal} received: stopping the exploration (the request in flight is dropped), then restoring the target before exiting`);
      stop.abort(new Error(`stopped by ${signal}`));
    } else if (signals === 2) {
      log(`metaconform: ${signal} received again: the restore goes on, it must not be abandoned (a third signal forces an exit and leaves the target as it is)`);
    } else {
      const journals = resolvedSides.map((s) => s.resolved.journal?.file).filter(Boolean);
      log(`metaconform: CLEANUP FAILED: forced exit by a third ${signal} while restoring; the target may hold test data; the run's journal is ${journals.join(', ') || '(none)'}: 'metaconform cleanup --yes' puts back what it records`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
  };

  let result: ExploreResult | undefined;
  let ctx: ReportContext | undefined;
  let problems: string[] = [];
  let targetLabel = 'target';
  let targetKind = config.target.kind;
  let notes: string[] = [];
  let warnings: string[] = [];
  try {
    const resolved = config.target.kind === 'reference' ? await startEmbedded(config, { ...(config.target.mutant ? { mutant: config.target.mutant } : {}), record: false }) : await connectEndpoint(config, log, runId);
    resolvedSides.push({ resolved, config });
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const { target } = resolved;
    targetLabel = target.label;
    targetKind = target.kind;
    notes = [...(resolved.notes ?? [])];
    warnings = [...(resolved.warnings ?? [])];
    if (resolved.journal?.journal.snapshot.server) writeFileSync(join(config.resultsDir, RESULT_FILES.snapshot), redactText(`${JSON.stringify(resolved.journal.journal.snapshot.server, null, 2)}\n`));
    const targetHttp = counted((onExchange) => httpFor(target, { timeoutMs: config.timeoutMs, onExchange, signal: stop.signal }));
    let bases: ApiVersion[] = [...(target.apis ?? config.bases ?? profile.bases)];
    const quota = await announcedLimit(targetHttp.http, target.bases[bases[bases.length - 1]!]);
    let other: Side;
    let otherLabel: string;
    if (againstConfig) {
      const second = await connectEndpoint(againstConfig, log, runId);
      resolvedSides.push({ resolved: second, config: againstConfig });
      const otherHttp = counted((onExchange) => httpFor(second.target, { timeoutMs: againstConfig.timeoutMs, onExchange, signal: stop.signal }));
      bases = bases.filter((b) => (second.target.apis ?? againstConfig.bases ?? profile.bases).includes(b));
      if (!bases.length) throw new ConfigError('--against', 'the two targets serve no API base in common');
      const otherQuota = await announcedLimit(otherHttp.http, second.target.bases[bases[bases.length - 1]!]);
      notes.push(...(second.notes ?? []));
      warnings.push(...(second.warnings ?? []));
      if (otherQuota !== quota) warnings.push(`the targets announce different metadata item limits (${quota ?? 'none'} and ${otherQuota ?? 'none'}): maps are drawn up to ${quota ?? 'the profile default'}`);
      otherLabel = second.target.label;
      other = { name: second.target.label, bases: second.target.bases, serverId: second.target.serverId, http: otherHttp.http, sent: otherHttp.sent };
    } else {
      // the reference model: the correct reference under the target's profile and limit, in this process
      model = await startReference({ profile, quota: quota ?? Number.POSITIVE_INFINITY });
      registerSecret(model.token);
      registerSecret(model.readerToken);
      const server = model.store.createServer(model.projectId);
      const modelToken = model.token;
      const modelHttp = counted((onExchange) => new HttpClient({ token: modelToken, timeoutMs: config.timeoutMs, onExchange }));
      otherLabel = `the reference model (profile ${profile.name}, limit ${quota ?? 'none'})`;
      other = {
        name: 'reference',
        bases: apiBases({ root: model.url, projectIdInUrl: undefined }, model.projectId),
        serverId: server.id,
        http: modelHttp.http,
        sent: modelHttp.sent,
        place: (map: Metadata) => void (server.metadata = new Map(Object.entries(map))),
      };
    }
    const targetSide: Side = { name: 'target', bases: target.bases, serverId: target.serverId, http: targetHttp.http, sent: targetHttp.sent };
    const rerunArgs = ['metaconform', 'explore', '--seed', String(opts.seed), '--requests', String(opts.requests), ...(opts.shrinkRequests !== DEFAULT_SHRINK_REQUESTS ? ['--shrink-requests', String(opts.shrinkRequests)] : []), ...(opts.against !== undefined ? ['--against', opts.against] : [])];
    const sequenceFile = relative(process.cwd(), join(config.resultsDir, 'sequence.json')) || 'sequence.json';
    ctx = {
      profile: profile.name,
      targetLabel,
      otherName: other.name,
      otherLabel,
      againstModel: !againstConfig,
      bases,
      quota,
      rerun: rerunArgs.map(shellQuote).join(' '),
      replayCommand: ['metaconform', 'explore', '--replay', sequenceFile, ...(opts.against !== undefined ? ['--against', opts.against] : [])].map(shellQuote).join(' '),
      replayScript: relative(process.cwd(), join(config.resultsDir, 'replay.sh')) || 'replay.sh',
      ...(opts.replay ? { replayOf: `the ${opts.replay.steps.length}-step sequence of ${opts.replay.file}` } : {}),
    };
    log(`metaconform: explore, seed ${opts.seed}${opts.seedGiven ? '' : ' (drawn; give --seed to repeat it)'}, ${opts.replay ? `replaying the ${opts.replay.steps.length} step(s) of ${opts.replay.file}` : `budget ${opts.requests} requests`}, profile ${profile.name}, bases ${bases.join(', ')}, target ${targetLabel}, compared with ${otherLabel}, results in ${config.resultsDir}`);
    for (const note of notes) log(`metaconform: ${note}`);
    for (const warning of warnings) log(`metaconform: !!! WARNING: ${warning}`);
    const explorer = new Explorer({ profile, bases, quota: quota ?? profile.quota.defaultLimit, operations: profile.operations, seed: opts.seed, requests: opts.requests, shrinkRequests: opts.shrinkRequests, stopping: () => stopReason }, targetSide, other);
    result = opts.replay ? await replayOnce(explorer, opts, opts.replay.steps, () => stopReason) : await explorer.explore();
  } catch (e) {
    if (!(e instanceof InfrastructureError) || !stopReason) {
      problems = await undo();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (problems.length) log(`metaconform: CLEANUP FAILED: ${redactText(problems.join('; '))}`);
      throw e;
    }
  }
  problems = await undo();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  if (!result || !ctx) {
    log(`metaconform: exploration stopped (${stopReason}) before it began`);
    return stopReason?.startsWith('SIGINT') ? 130 : 143;
  }
  return writeOutputs(config, result, ctx, { startedAt, started, targetLabel, targetKind, warnings, problems, stopReason, log });
}

/** `--replay FILE`: one run of a report's sequence, as an exploration of one sequence. */
async function replayOnce(explorer: Explorer, opts: ExploreOptions, steps: Step[], stopping: () => string | undefined): Promise<ExploreResult> {
  const base = { seed: opts.seed, requests: opts.requests, shrinkRequests: 0, sequences: 1, explored: [] as string[] };
  try {
    const run = await explorer.replay(steps);
    const used = { exploring: explorer.used(), shrinking: 0, total: explorer.used() };
    const explored = run.records.map((r) => `replay, step ${r.index}: ${r.request.label} → ${r.diverged ? `DIVERGED (${r.diverged})` : 'alike'}`);
    if (!run.divergence) return { ...base, used, steps: run.records.length, explored, outcome: stopping() ? 'stopped' : 'agree', ...(stopping() ? { problem: stopping()! } : {}) };
    const divergence = { found: { sequence: 1, steps: run.divergence.index, requests: explorer.used() }, original: run, shrinks: 0, replays: 0, shrinkRequests: 0, steps: steps.slice(0, run.divergence.index), confirmed: true, run };
    return { ...base, used, steps: run.records.length, explored, outcome: 'diverged', divergence };
  } catch (e) {
    if (!(e instanceof InfrastructureError)) throw e;
    const used = { exploring: explorer.used(), shrinking: 0, total: explorer.used() };
    return { ...base, used, steps: 0, outcome: stopping() ? 'stopped' : 'no-verdict', problem: stopping() ?? e.message };
  }
}

interface RunFacts {
  startedAt: string;
  started: number;
  targetLabel: string;
  targetKind: string;
  /** Limits of the targets the summary shouts about (never the verdict). */
  warnings: string[];
  problems: string[];
  stopReason: string | undefined;
  log: (line: string) => void;
}

/** The results folder: explore.json/.txt, sequence.json and replay.sh, and SM-SEQ-001 in the summary, JUnit, Allure, certification and history. */
function writeOutputs(config: RunConfig, result: ExploreResult, ctx: ReportContext, facts: RunFacts): number {
  const dir = config.resultsDir;
  const { profile } = config;
  const d = result.divergence;
  const script = d ? replayScript(d.run, result, ctx) : undefined;
  if (d) {
    writeFileSync(join(dir, 'sequence.json'), `${redactText(JSON.stringify({ seed: result.seed, profile: profile.name, bases: ctx.bases, quota: ctx.quota ?? null, sequence: d.steps }, null, 2))}\n`);
    writeFileSync(join(dir, 'replay.sh'), `${script}\n`, { mode: 0o755 });
  }
  const report = formatReport(result, ctx);
  writeFileSync(join(dir, 'explore.txt'), `${report.join('\n')}\n`);
  writeFileSync(join(dir, 'explore.json'), `${redactText(JSON.stringify(exploreDocument(result, ctx, { suiteVersion: suiteVersion(), startedAt: facts.startedAt, finishedAt: new Date().toISOString() }), null, 2))}\n`);

  const outcome = sequenceOutcome(result, ctx);
  const record: RunRecord = {
    tests: [{ name: `[${SEQUENCE_BEHAVIOUR}] explore (${ctx.bases.join('+')})`, target: facts.targetLabel, file: 'cli/explore.ts', behaviour: SEQUENCE_BEHAVIOUR, api: ctx.bases.join('+'), outcome: outcome.outcome, ...(outcome.detail ? { detail: redactText(outcome.detail) } : {}) }],
    problems: facts.problems.map((p) => `CLEANUP FAILED: the target was not left as found (${redactText(p)}); 'metaconform cleanup --yes' puts back what the journal records`),
  };
  const summary: Summary = summarise(record, profile, { selected: [SEQUENCE_BEHAVIOUR] });
  const how = ctx.replayOf ? `replay of ${ctx.replayOf} (seed ${result.seed}), ${result.used.total} requests` : `seed ${result.seed}, budget ${result.requests} requests (${result.used.exploring} used exploring, ${result.used.total} in all), ${result.sequences} sequence(s), ${result.steps} step(s)`;
  const selection = `PARTIAL RUN: explore (${SEQUENCE_BEHAVIOUR} only), ${how}, compared with ${ctx.otherLabel}`;
  summary.warnings.push(selection, ...facts.warnings);
  const subject = ctx.againstModel ? 'the reference model' : ctx.otherLabel;
  if (facts.stopReason) {
    summary.exitCode = facts.stopReason.startsWith('SIGINT') ? 130 : 143;
    summary.verdict = `STOPPED: ${facts.stopReason} after ${result.used.total} requests`;
  } else if (d) {
    summary.exitCode = EXIT_DIVERGED;
    summary.verdict = `${ctx.againstModel ? 'DIVERGED' : 'DIFFERENT (reported, not judged)'}: a ${d.steps.length}-step sequence answered or stored unlike ${subject} (seed ${result.seed}; replay: ${ctx.replayCommand})`;
  } else if (result.outcome === 'no-verdict' || facts.problems.length) {
    summary.exitCode = EXIT.NO_VERDICT;
    summary.verdict = `NO VERDICT: ${result.problem ?? 'the target was not left as found'}`;
  } else {
    summary.exitCode = EXIT.CONFORMANT;
    summary.verdict = `NO ${ctx.againstModel ? 'DIVERGENCE' : 'DIFFERENCE'}: ${result.sequences} sequence(s), ${result.steps} step(s) answered and stored as ${subject} did (${ctx.replayOf ? `replay of ${ctx.replayOf}` : `seed ${result.seed}, ${result.used.exploring} of ${result.requests} requests`})`;
  }
  const text = formatSummary(summary, facts.targetLabel);
  writeFileSync(join(dir, RESULT_FILES.summary), `${JSON.stringify({ target: facts.targetLabel, suiteVersion: suiteVersion(), explore: { seed: result.seed, requests: result.requests, shrinkRequests: result.shrinkRequests, used: result.used, sequences: result.sequences, steps: result.steps, comparedWith: ctx.otherLabel, outcome: result.outcome }, selection: { description: selection }, ...summary }, null, 2)}\n`);
  writeFileSync(join(dir, RESULT_FILES.summaryText), `${text}\n`);
  writeFileSync(join(dir, RESULT_FILES.junit), formatJunit(summary, { name: `metaconform explore ${profile.name}`, timestamp: facts.startedAt, target: facts.targetLabel }));
  const allureDir = join(dir, RESULT_FILES.allure);
  writeAllureResult(allureDir, result, ctx, outcome, { start: facts.started, stop: Date.now() }, script);
  writeAllureRunInfo(allureDir, { target: facts.targetLabel, 'target kind': facts.targetKind, profile: profile.name, selection, seed: String(result.seed), 'budget (requests)': String(result.requests), 'compared with': ctx.otherLabel, 'suite version': suiteVersion() }, summary);
  writeCertification(dir, {
    suiteVersion: suiteVersion(),
    profile: profile.name,
    target: { host: hostOf(facts.targetLabel), kind: facts.targetKind, notes: summary.warnings },
    startedAt: facts.startedAt,
    finishedAt: new Date().toISOString(),
    selection,
    summary,
  });
  appendHistory(dir, { time: facts.startedAt, target: facts.targetLabel, profile: profile.name, suiteVersion: suiteVersion(), selection }, summary);
  for (const line of report) facts.log(line);
  facts.log(text);
  return summary.exitCode;
}

function hostOf(label: string): string {
  const url = /https?:\/\/[^\s)]+/.exec(label)?.[0];
  try {
    return url ? new URL(url).host : label;
  } catch {
    return label;
  }
}
