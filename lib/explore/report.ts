import { randomUUID, createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findBehaviour } from '../../catalogue/index.ts';
import { formatExchange, toCurl, type Exchange } from '../http/exchange.ts';
import { redactText } from '../http/redact.ts';
import { allurePrefix, allureStatus, SEVERITY } from '../results/allure.ts';
import type { TestOutcome } from '../results/records.ts';
import { describeMapShape, describeShape, mapDifference } from './compare.ts';
import type { ExploreResult, SequenceRun, StepRecord } from './engine.ts';

/** The behaviour explore judges. */
export const SEQUENCE_BEHAVIOUR = 'SM-SEQ-001';

/** What the report says about the run besides its result. */
export interface ReportContext {
  profile: string;
  targetLabel: string;
  /** How the other side is named in the answers ('reference' for the model, or the second target's host). */
  otherName: string;
  /** What the target was compared with, in words. */
  otherLabel: string;
  /** Whether the other side is the reference model (SM-SEQ-001 is judged) or a second target (differences are reported). */
  againstModel: boolean;
  bases: readonly string[];
  quota: number | undefined;
  /** The command line that explores exactly the same again, and the one that replays the shrunk sequence. */
  rerun: string;
  replayCommand: string;
  replayScript: string;
  /** A replay (`--replay`): which sequence was replayed, instead of an exploration. */
  replayOf?: string;
}

const pad = (name: string, width: number) => name.padEnd(width);

/** The lines of one step: what was sent, both answers, and (for the diverging step) what differs. */
export function stepLines(r: StepRecord, ctx: Pick<ReportContext, 'otherName'>, indent = '  '): string[] {
  const width = Math.max('target'.length, ctx.otherName.length);
  const lines = [`${indent}${r.index}. ${r.request.label}${r.diverged ? `   ← DIVERGED (${r.diverged === 'answer' ? 'the answers differ' : 'the stored sets differ'})` : ''}`];
  lines.push(`${indent}     ${pad('target', width)} → ${describeShape(r.answers.target)}`, `${indent}     ${pad(ctx.otherName, width)} → ${describeShape(r.answers.other)}`);
  if (r.diverged === 'answer' && r.answers.target.map && r.answers.other.map) lines.push(`${indent}     difference: ${mapDifference(r.answers.target.map, r.answers.other.map, 'the target', `the ${ctx.otherName}`)}`);
  if (r.state && (r.diverged === 'state' || r.diverged === undefined)) {
    const { target, other } = r.state.shapes;
    if (r.diverged === 'state') {
      lines.push(`${indent}     stored set: ${pad('target', width)} ${describeShape(target)}`, `${indent}                 ${pad(ctx.otherName, width)} ${describeShape(other)}`);
      if (target.map && other.map) lines.push(`${indent}     difference: ${mapDifference(target.map, other.map, 'the target', `the ${ctx.otherName}`)}`);
    }
  }
  return lines;
}

/** The report printed at the end of `metaconform explore` (and written to explore.txt). */
export function formatReport(result: ExploreResult, ctx: ReportContext): string[] {
  const lines = [
    '',
    `metaconform explore — profile ${ctx.profile} — target ${ctx.targetLabel} — compared with ${ctx.otherLabel}`,
    ctx.replayOf
      ? `replay of ${ctx.replayOf} (seed ${result.seed}); bases ${ctx.bases.join(', ')}; quota ${ctx.quota ?? 'none announced'}`
      : `seed ${result.seed}, budget ${result.requests} requests (shrinking: up to ${result.shrinkRequests} more); bases ${ctx.bases.join(', ')}; quota ${ctx.quota ?? 'none announced'}`,
    ctx.replayOf
      ? `replayed: ${result.steps} step(s), ${result.used.total} request(s) to the target`
      : `explored: ${result.sequences} sequence(s), ${result.steps} step(s), ${result.used.exploring} request(s) to the target${result.used.total > result.used.exploring ? ` (${result.used.total} in all, shrinking and the confirming replay included)` : ''}`,
  ];
  const d = result.divergence;
  if (d) {
    if (ctx.replayOf) lines.push(`${ctx.againstModel ? 'DIVERGENCE' : 'DIFFERENCE'} at step ${d.found.steps}:`);
    else lines.push(
      `${ctx.againstModel ? 'DIVERGENCE' : 'DIFFERENCE'} in sequence ${d.found.sequence} at its step ${d.found.steps} (after ${d.found.requests} requests); shrunk to ${d.steps.length} step(s) (${d.shrinks} shrink(s), ${d.replays} replay(s), ${d.shrinkRequests} requests)${d.confirmed ? ', diverging again when replayed' : ', which did NOT diverge again when replayed (the target keeps state its API cannot reset, or answers inconsistently): the run shown is the last that diverged'}:`,
    );
    if (d.run.resetNote) lines.push(`  note: ${d.run.resetNote}`);
    lines.push(`  0. start: target ${describeMapShape(d.run.start.target)}, ${ctx.otherName} ${describeMapShape(d.run.start.other)}`);
    for (const r of d.run.records) lines.push(...stepLines(r, ctx));
    lines.push(`replay: ${ctx.rerun}   (the whole exploration, exactly)`, `        ${ctx.replayCommand}   (the shrunk sequence only)`, `        sh ${ctx.replayScript}   (curl, the target only; export OS_TOKEN first)`);
  } else if (result.outcome === 'agree') {
    lines.push(`no ${ctx.againstModel ? 'divergence' : 'difference'}: every step answered and stored as the ${ctx.otherName} did`);
  }
  if (result.problem) lines.push(`${result.outcome === 'stopped' ? 'STOPPED' : 'NO VERDICT'}: ${result.problem}`);
  if (!d) lines.push(`explore again exactly: ${ctx.rerun}`);
  return lines.map((l) => redactText(l));
}

function collectionUrl(ex: Exchange): string {
  return ex.request.url.replace(/\/metadata(\/[^/?]*)?(\?.*)?$/, '/metadata');
}

/** A POSIX shell script that sends the shrunk sequence to the target again with curl (the token from $OS_TOKEN, never written). */
export function replayScript(run: SequenceRun, result: ExploreResult, ctx: ReportContext): string {
  const first = run.records[0]?.exchanges.target;
  const lines = [
    '#!/bin/sh',
    `# metaconform explore: the shrunk sequence that ${ctx.againstModel ? 'diverged from the reference model' : `answered differently from ${ctx.otherLabel}`} (seed ${result.seed}).`,
    `# Target: ${ctx.targetLabel}. Export OS_TOKEN first (the token is never written here).`,
    '# Each step is followed by a list of the stored set (what explore compares after every step).',
    "# It changes the server's metadata and does not put it back: explore found it as metadata-snapshot.json says.",
    '# Against the embedded reference the URLs are those of a process that has ended: run the standalone',
    '# reference (npm run reference) and `metaconform explore --replay` instead.',
    '',
  ];
  if (first) {
    const reset: Exchange = { request: { method: 'PUT', url: collectionUrl(first), headers: { Accept: 'application/json', 'X-Auth-Token': '', 'Content-Type': 'application/json' }, body: JSON.stringify({ metadata: run.start.target }) }, response: { status: 0, headers: {}, text: '' }, durationMs: 0 };
    lines.push(`# 0. start from ${describeMapShape(run.start.target)}`, toCurl(reset), '');
  }
  for (const r of run.records) {
    lines.push(`# ${r.index}. ${r.request.label}`, `#    target → ${describeShape(r.answers.target)}; ${ctx.otherName} → ${describeShape(r.answers.other)}${r.diverged ? `   DIVERGED (${r.diverged})` : ''}`, toCurl(r.exchanges.target));
    if (r.state) lines.push(`#    stored set: target ${describeShape(r.state.shapes.target)}; ${ctx.otherName} ${describeShape(r.state.shapes.other)}`, toCurl(r.state.exchanges.target));
    lines.push('');
  }
  return redactText(lines.join('\n'));
}

/** The transcript of one step for Allure: both answers in words, then both exchanges in full (with curl). */
function stepTranscript(r: StepRecord, ctx: ReportContext): string {
  const parts = [...stepLines(r, ctx, ''), '', `=== target: ${ctx.targetLabel}`, formatExchange(r.exchanges.target), '', `=== ${ctx.otherName}: ${ctx.otherLabel}`, formatExchange(r.exchanges.other)];
  if (r.state) parts.push('', '=== stored set after the step, target', formatExchange(r.state.exchanges.target), '', `=== stored set after the step, ${ctx.otherName}`, formatExchange(r.state.exchanges.other));
  return redactText(parts.join('\n'));
}

/** The outcome SM-SEQ-001's test record gets, and its detail. */
export function sequenceOutcome(result: ExploreResult, ctx: ReportContext): { outcome: TestOutcome; detail?: string } {
  const d = result.divergence;
  const where = `seed ${result.seed}, ${result.used.exploring} of ${result.requests} requests`;
  if (!ctx.againstModel) {
    const said = d ? `${d.steps.length}-step sequence answered differently (${where}; see explore.txt)` : `no difference in ${result.sequences} sequence(s) (${where})`;
    return { outcome: 'not-applicable', detail: `compared with ${ctx.otherLabel}, not the reference model: differences are reported, not judged; ${said}` };
  }
  if (d) {
    const last = d.run.records[d.run.records.length - 1]!;
    const shapes = last.diverged === 'state' && last.state ? last.state.shapes : last.answers;
    return { outcome: 'failed', detail: `the target diverged from the reference model (${where}); shrunk to ${d.steps.length} step(s), the last ${last.request.label} → ${last.diverged === 'state' ? 'stored set ' : ''}target ${describeShape(shapes.target)}, reference ${describeShape(shapes.other)}; replay: ${ctx.replayCommand}` };
  }
  if (result.outcome === 'agree') return { outcome: 'passed' };
  return { outcome: 'error', detail: `${result.outcome === 'stopped' ? 'stopped' : 'no verdict'}: ${result.problem ?? 'the exploration did not finish'}` };
}

/**
 * The Allure result of SM-SEQ-001 (one test, on the bases explored together): the shrunk sequence as its steps,
 * each with the full transcript of both sides; the replay script and every explored step as attachments.
 */
export function writeAllureResult(dir: string, result: ExploreResult, ctx: ReportContext, outcome: { outcome: TestOutcome; detail?: string }, times: { start: number; stop: number }, script?: string): void {
  mkdirSync(dir, { recursive: true });
  const behaviour = findBehaviour(SEQUENCE_BEHAVIOUR)!;
  const { level } = behaviour;
  const attach = (name: string, text: string) => {
    const source = `${randomUUID()}-attachment.txt`;
    writeFileSync(join(dir, source), redactText(text));
    return { name, source, type: 'text/plain' };
  };
  const d = result.divergence;
  const steps = (d?.run.records ?? []).map((r) => ({
    name: `${r.index}. ${r.request.label}${r.diverged ? ` — DIVERGED (${r.diverged})` : ''}`,
    status: r.diverged ? 'failed' : 'passed',
    stage: 'finished',
    steps: [],
    attachments: [attach(`step ${r.index}: both answers`, stepTranscript(r, ctx))],
    parameters: [],
    start: times.start,
    stop: times.stop,
  }));
  const api = ctx.bases.join('+');
  const name = `[${SEQUENCE_BEHAVIOUR}] explore: seed ${result.seed}, ${result.requests} requests, compared with ${ctx.otherLabel} (${api})`;
  const prefix = allurePrefix(level, outcome.outcome);
  const message = [prefix, outcome.detail].filter(Boolean).join(': ');
  const attachments = [
    ...(script ? [attach('replay.sh (curl)', script)] : []),
    attach('report', formatReport(result, ctx).join('\n')),
    attach('explored steps', result.explored.join('\n') || '(none)'),
  ];
  const historyId = createHash('md5').update(`${SEQUENCE_BEHAVIOUR} explore ${api}`).digest('hex');
  const doc = {
    uuid: randomUUID(),
    name,
    fullName: `cli/explore.ts ${name}`,
    historyId,
    testCaseId: historyId,
    status: allureStatus(level, outcome.outcome),
    statusDetails: message ? { message: redactText(message) } : {},
    stage: 'finished',
    steps,
    attachments,
    parameters: [{ name: 'api', value: api }, { name: 'seed', value: String(result.seed) }, { name: 'budget (requests)', value: String(result.requests) }],
    labels: [
      { name: 'behaviour', value: behaviour.id },
      { name: 'epic', value: behaviour.epic },
      { name: 'feature', value: behaviour.feature },
      { name: 'story', value: `${behaviour.id} ${behaviour.rule}` },
      ...behaviour.tags.map((value) => ({ name: 'tag', value })),
      { name: 'level', value: level },
      { name: 'severity', value: SEVERITY[level] },
      ...(level !== 'required' ? [{ name: 'tag', value: level }] : []),
      { name: 'parentSuite', value: 'metaconform explore' },
    ],
    links: [],
    description: `**${behaviour.id}** (${level}): ${behaviour.rule}\n\nSources:\n${behaviour.source.map((s) => `- ${s}`).join('\n')}\n\nExplored with seed ${result.seed} and a budget of ${result.requests} requests (${result.used.total} sent to the target in all); compared with ${ctx.otherLabel}.`,
    start: times.start,
    stop: times.stop,
  };
  writeFileSync(join(dir, `${doc.uuid}-result.json`), redactText(JSON.stringify(doc)));
}

/** explore.json: everything the run found, in data (the shrunk steps replay with `--replay`). */
export function exploreDocument(result: ExploreResult, ctx: ReportContext, extra: Record<string, unknown>): unknown {
  const d = result.divergence;
  const transcript = (run: SequenceRun) => ({
    start: run.start,
    ...(run.resetNote ? { note: run.resetNote } : {}),
    steps: run.records.map((r) => ({
      index: r.index,
      request: r.request.label,
      answers: { target: r.answers.target, [ctx.otherName]: r.answers.other },
      ...(r.state ? { stored: { target: r.state.shapes.target, [ctx.otherName]: r.state.shapes.other } } : {}),
      ...(r.diverged ? { diverged: r.diverged } : {}),
    })),
  });
  return {
    ...extra,
    seed: result.seed,
    requests: result.requests,
    shrinkRequests: result.shrinkRequests,
    profile: ctx.profile,
    bases: ctx.bases,
    quota: ctx.quota ?? null,
    target: ctx.targetLabel,
    comparedWith: ctx.otherLabel,
    againstModel: ctx.againstModel,
    outcome: result.outcome,
    ...(result.problem ? { problem: result.problem } : {}),
    used: result.used,
    sequences: result.sequences,
    steps: result.steps,
    ...(d
      ? {
          divergence: {
            found: d.found,
            shrinks: d.shrinks,
            replays: d.replays,
            shrinkRequests: d.shrinkRequests,
            confirmed: d.confirmed,
            sequence: d.steps,
            transcript: transcript(d.run),
            original: d.original.records.map((r) => r.request.label),
          },
        }
      : {}),
    replay: { exploration: ctx.rerun, sequence: ctx.replayCommand, curl: ctx.replayScript },
  };
}
