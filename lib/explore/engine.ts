import fc from 'fast-check';
import type { Metadata } from '../clients/metadata-client.ts';
import { MetadataClient } from '../clients/metadata-client.ts';
import type { ApiVersion } from '../config/endpoint.ts';
import { InfrastructureError } from '../errors.ts';
import { collectionMap } from '../harness/lenient.ts';
import type { HttpClient } from '../http/client.ts';
import { describeExchange, type Exchange } from '../http/exchange.ts';
import { metadataPath } from '../http/paths.ts';
import { sameShape, shapeOf, type Shape } from './compare.ts';
import { addressable, requestOf, stepsArbitrary, type GenerationContext, type KeyRef, type Request, type Step } from './steps.ts';

/**
 * The exploration: random sequences of steps (lib/explore/steps.ts), drawn by fast-check from the seed, each
 * sent to the target and to the side it is compared with (the reference model, or a second live target), one
 * request at a time, the same request to both; after every step the answers are compared, and, unless the step
 * was a list, the stored sets (a list on the step's base). Each sequence starts from an empty set on both
 * sides. The first sequence that diverges is shrunk by replaying candidates (Explorer.shrink), and the shortest
 * one that still diverges is replayed once more to confirm it.
 *
 * Budget: exploration starts no sequence once the target has been sent `requests` requests (a sequence in
 * progress stops at its next step); shrinking may send `shrinkRequests` more; the confirming replay a few more.
 * A 5xx, timeout or unreachable target stops it with no verdict (as everywhere in the suite). Everything is
 * drawn from the seed: the same seed, budget, profile and quota against a target that answers the same way
 * explore, diverge and shrink the same way.
 */

/** One side of the comparison: the target, the reference model, or a second target. */
export interface Side {
  /** How the report names it ('target', 'reference', or the second target's host). */
  name: string;
  bases: Record<ApiVersion, string>;
  serverId: string;
  http: HttpClient;
  /** Requests sent to it so far (the budget counts the target's). */
  sent(): number;
  /** Puts a stored set directly, without a request (the in-process reference model). */
  place?(map: Metadata): void;
}

export interface ExploreSettings extends GenerationContext {
  seed: number;
  /** Budget of the exploration: requests to the target. */
  requests: number;
  /** More requests the shrinking may send once a divergence is found (0: report the first diverging sequence as found). */
  shrinkRequests: number;
  /** Why the run is being stopped (a signal), or undefined. */
  stopping(): string | undefined;
}

export interface Pair<T> {
  target: T;
  other: T;
}

export interface StepRecord {
  /** 1-based position in its sequence. */
  index: number;
  step: Step;
  request: Request;
  answers: Pair<Shape>;
  exchanges: Pair<Exchange>;
  /** The stored sets read after the step (not after a list, whose answer is the stored set). */
  state?: { shapes: Pair<Shape>; exchanges: Pair<Exchange> };
  diverged?: 'answer' | 'state';
}

export interface SequenceRun {
  /** The stored sets each sequence starts from (both empty unless a side could not be emptied). */
  start: Pair<Metadata>;
  /** Requests that emptied the sides before the first step (for the replay script). */
  resetNote?: string;
  records: StepRecord[];
  divergence?: StepRecord;
  /** The budget ran out before the sequence's end. */
  truncated: boolean;
}

export interface Divergence {
  /** Where exploration met it: the sequence's number, the diverging step's position, and the target's requests so far. */
  found: { sequence: number; steps: number; requests: number };
  /** The sequence as first met, up to its diverging step. */
  original: SequenceRun;
  /** Successful shrinks (each a shorter or simpler sequence that still diverged), candidates replayed, and their requests to the target. */
  shrinks: number;
  replays: number;
  shrinkRequests: number;
  /** The shrunk sequence (`--replay FILE` runs exactly it). */
  steps: Step[];
  /** Whether the shrunk sequence diverged again when replayed once more. */
  confirmed: boolean;
  /** The shrunk sequence's last run (the confirming replay when it diverged again). */
  run: SequenceRun;
}

export interface ExploreResult {
  seed: number;
  requests: number;
  shrinkRequests: number;
  /** Target requests spent exploring, shrinking, and in all (the confirming replay included). */
  used: { exploring: number; shrinking: number; total: number };
  sequences: number;
  steps: number;
  outcome: 'agree' | 'diverged' | 'no-verdict' | 'stopped';
  /** Why there is no verdict, or what stopped the run. */
  problem?: string;
  divergence?: Divergence;
  /** Each step explored, one line each (its answers), for the transcript when nothing diverged. */
  explored: string[];
}

/** Sends one request to a side; a 5xx is no verdict. */
async function send(side: Side, request: Request): Promise<Exchange> {
  const url = `${side.bases[request.api]}${metadataPath('servers', side.serverId, request.key)}`;
  const ex = await side.http.send(request.method, url, { ...(request.body !== undefined ? { body: request.body, headers: { 'Content-Type': 'application/json' } } : {}), allow5xx: true });
  if (ex.response.status >= 500) throw new InfrastructureError(`the ${side.name} answered ${describeExchange(ex)}`);
  return ex;
}

const LIST: Omit<Request, 'api' | 'label'> = { op: 'list', method: 'GET' };

/** Empties a side's stored set (PUT {}, then DELETE item for what that left); returns the set it holds then. */
async function empty(side: Side, api: ApiVersion): Promise<{ state: Metadata; note?: string }> {
  const client = new MetadataClient(side.http, side.bases[api], 'servers', side.serverId);
  const read = async () => {
    const ex = await client.list({ allow5xx: true });
    if (ex.response.status >= 500) throw new InfrastructureError(`the ${side.name} answered ${describeExchange(ex)}`);
    return { ex, map: collectionMap(ex) };
  };
  const put = await client.replaceAll({}, { allow5xx: true });
  let now = await read();
  if (now.map && !Object.keys(now.map).length) return { state: {} };
  for (const key of Object.keys(now.map ?? {}).filter(addressable)) await client.deleteItem(key, { allow5xx: true });
  now = await read();
  if (now.map && !Object.keys(now.map).length) return { state: {} };
  return { state: now.map ?? {}, note: `the ${side.name} could not be emptied before the sequence (PUT {} answered ${describeExchange(put)}; then ${describeExchange(now.ex)})` };
}

export class Explorer {
  private readonly limit = { value: Number.POSITIVE_INFINITY };
  /** The target's requests before this explorer's first (the budget counts its own only). */
  private readonly origin: number;

  constructor(
    private readonly settings: ExploreSettings,
    private readonly target: Side,
    private readonly other: Side,
  ) {
    this.origin = target.sent();
  }

  /** Requests this explorer sent to the target so far. */
  used(): number {
    return this.target.sent() - this.origin;
  }

  /** Runs one sequence from an empty set; stops at the first divergence, or when the budget would be exceeded. */
  async execute(steps: readonly Step[]): Promise<SequenceRun> {
    const { profile } = this.settings;
    const resetBase = this.settings.bases[this.settings.bases.length - 1]!;
    const target = await empty(this.target, resetBase);
    let otherStart: { state: Metadata; note?: string };
    if (this.other.place) {
      // the model starts where the target could be brought
      this.other.place(target.state);
      otherStart = { state: target.state };
    } else otherStart = await empty(this.other, resetBase);
    const note = [target.note, otherStart.note].filter(Boolean).join('; ');
    const run: SequenceRun = { start: { target: target.state, other: otherStart.state }, records: [], truncated: false, ...(note ? { resetNote: note } : {}) };
    let known = otherStart.state;
    let lastKey: string | undefined;
    for (const [i, step] of steps.entries()) {
      if (this.used() + 2 > this.limit.value) {
        run.truncated = true;
        break;
      }
      const request = requestOf(step, { stored: known, ...(lastKey !== undefined ? { lastKey } : {}) });
      if (request.key !== undefined) lastKey = request.key;
      const exchanges = { target: await send(this.target, request), other: await send(this.other, request) };
      const answers = { target: shapeOf(profile, request.op, exchanges.target), other: shapeOf(profile, request.op, exchanges.other) };
      const record: StepRecord = { index: i + 1, step, request, answers, exchanges };
      run.records.push(record);
      if (!sameShape(answers.target, answers.other)) {
        record.diverged = 'answer';
        run.divergence = record;
        return run;
      }
      if (request.op === 'list') {
        known = answers.other.map ?? known;
        continue;
      }
      const list: Request = { ...LIST, api: request.api, label: `[${request.api}] GET {S}` };
      const stateExchanges = { target: await send(this.target, list), other: await send(this.other, list) };
      const shapes = { target: shapeOf(profile, 'list', stateExchanges.target), other: shapeOf(profile, 'list', stateExchanges.other) };
      record.state = { shapes, exchanges: stateExchanges };
      if (!sameShape(shapes.target, shapes.other)) {
        record.diverged = 'state';
        run.divergence = record;
        return run;
      }
      known = shapes.other.map ?? known;
    }
    return run;
  }

  /** Runs a candidate while shrinking: its divergence (the sequence cut after the diverging step), or undefined. */
  private async diverges(steps: readonly Step[], stats: { replays: number }): Promise<SequenceRun | undefined> {
    if (this.used() + 4 > this.limit.value || this.settings.stopping()) return undefined;
    stats.replays++;
    const run = await this.execute(steps);
    return run.divergence ? run : undefined;
  }

  /**
   * Shrinks a diverging sequence by replaying candidates (each from an empty set): first the steps after the
   * divergence go, then chunks of steps (halves, quarters, … single steps), then each step is simplified (maps
   * lose their generated keys — to the fewest that still diverge —, then entries; values become "v"; stored
   * key references the first key). A candidate is kept when it still diverges, anywhere. Ends when nothing
   * more can go or the shrinking budget is spent; the result always diverged when last run.
   */
  async shrink(failing: SequenceRun, steps: readonly Step[]): Promise<{ steps: Step[]; run: SequenceRun; shrinks: number; replays: number }> {
    const stats = { replays: 0 };
    let shrinks = 0;
    let run = failing;
    let current = steps.slice(0, failing.divergence!.index);
    const accept = (candidate: Step[], diverged: SequenceRun) => {
      current = candidate.slice(0, diverged.divergence!.index);
      run = diverged;
      shrinks++;
    };
    for (let progress = true; progress; ) {
      progress = false;
      for (let chunk = Math.max(1, Math.floor(current.length / 2)); chunk >= 1; chunk = chunk === 1 ? 0 : Math.max(1, Math.floor(chunk / 2))) {
        for (let at = current.length - chunk; at >= 0; at -= chunk) {
          const candidate = [...current.slice(0, at), ...current.slice(at + chunk)];
          if (!candidate.length) continue;
          const diverged = await this.diverges(candidate, stats);
          if (diverged) {
            accept(candidate, diverged);
            progress = true;
            at = Math.min(at, current.length);
          }
        }
      }
      for (let i = 0; i < current.length; i++) {
        for (const simpler of simplifications(current[i]!)) {
          const candidate = current.map((s, j) => (j === i ? simpler : s));
          const diverged = await this.diverges(candidate, stats);
          if (diverged) {
            accept(candidate, diverged);
            progress = true;
            break;
          }
        }
      }
      if (this.used() + 4 > this.limit.value || this.settings.stopping()) break;
    }
    return { steps: current, run, shrinks, replays: stats.replays };
  }

  /** Replays one sequence exactly (a report's steps): its run, diverging or not. */
  async replay(steps: readonly Step[]): Promise<SequenceRun> {
    this.limit.value = Number.POSITIVE_INFINITY;
    return this.execute(steps);
  }

  async explore(): Promise<ExploreResult> {
    const s = this.settings;
    let sequences = 0;
    let steps = 0;
    let problem: string | undefined;
    let internal: unknown;
    let first: { steps: Step[]; run: SequenceRun; found: Divergence['found'] } | undefined;
    const explored: string[] = [];
    this.limit.value = s.requests;
    const property = fc.asyncProperty(stepsArbitrary(s), async (drawn) => {
      if (problem !== undefined || internal !== undefined || first) return true;
      // a sequence needs the reset (about 2 requests) and a step (2): none is started that cannot have both
      if (this.used() + 4 > this.limit.value) return true;
      try {
        const run = await this.execute(drawn);
        sequences++;
        steps += run.records.length;
        for (const r of run.records) explored.push(`sequence ${sequences}, step ${r.index}: ${r.request.label} → ${r.diverged ? `DIVERGED (${r.diverged})` : 'alike'}`);
        if (!run.divergence) return true;
        first = { steps: drawn, run, found: { sequence: sequences, steps: run.divergence.index, requests: this.used() } };
        return false;
      } catch (e) {
        if (e instanceof InfrastructureError) problem = s.stopping() ?? e.message;
        else internal = e;
        return true;
      }
    });
    // sequences are drawn until the budget is spent (each costs at least 4 requests) or one diverges
    const done = () => problem !== undefined || internal !== undefined || first !== undefined || s.stopping() !== undefined || this.used() + 4 > this.limit.value;
    await fc.check(property, { seed: s.seed, numRuns: Math.ceil(s.requests / 4) + 1, endOnFailure: true, plugins: [stopWhen(done)] });
    if (internal !== undefined) throw internal;
    const exploring = this.used();
    let divergence: Divergence | undefined;
    if (first) {
      let shrunk = { steps: first.steps.slice(0, first.found.steps), run: first.run, shrinks: 0, replays: 0 };
      try {
        if (s.shrinkRequests > 0 && problem === undefined) {
          this.limit.value = exploring + s.shrinkRequests;
          shrunk = await this.shrink(first.run, first.steps);
        }
      } catch (e) {
        if (!(e instanceof InfrastructureError)) throw e;
        problem = s.stopping() ?? e.message;
      }
      const shrinking = this.used() - exploring;
      // replayed once more: a target whose state the API cannot reset may not diverge again
      let confirmed = false;
      let run = shrunk.run;
      if (problem === undefined && !s.stopping()) {
        try {
          const again = await this.replay(shrunk.steps);
          confirmed = again.divergence !== undefined;
          if (confirmed) run = again;
        } catch (e) {
          if (!(e instanceof InfrastructureError)) throw e;
          problem = s.stopping() ?? e.message;
        }
      }
      divergence = { found: first.found, shrinks: shrunk.shrinks, replays: shrunk.replays, shrinkRequests: shrinking, original: first.run, steps: shrunk.steps, confirmed, run };
    }
    const total = this.used();
    const stopped = s.stopping();
    return {
      seed: s.seed,
      requests: s.requests,
      shrinkRequests: s.shrinkRequests,
      used: { exploring, shrinking: divergence?.shrinkRequests ?? 0, total },
      sequences,
      steps,
      outcome: stopped ? 'stopped' : divergence ? 'diverged' : problem !== undefined ? 'no-verdict' : 'agree',
      ...(stopped ? { problem: stopped } : problem !== undefined ? { problem } : {}),
      ...(divergence ? { divergence } : {}),
      explored,
    };
  }
}

/**
 * A fast-check plugin that ends the runs once `done()` says so (the budget spent, a divergence met, a stop asked
 * for), instead of drawing the remaining ones only to skip them: it interrupts the run the way fast-check's own
 * time limit does (an interruption, not a failure).
 */
function stopWhen(done: () => boolean): fc.Plugin<[Step[]]> {
  return (index, store) => {
    const interrupting = fc.interruptAfterTimeLimit(0)(index, store) as ReturnType<fc.Plugin<[Step[]]>>;
    return {
      decorateRun: (nested) => {
        const interrupted = interrupting.decorateRun!(nested);
        return (value) => (done() ? interrupted(value) : nested(value));
      },
      onAllRunsComplete: (details) => interrupting.onAllRunsComplete?.(details),
    };
  };
}

/** Simpler versions of a step, simplest first (each tried in turn while shrinking). */
export function simplifications(step: Step): Step[] {
  const out: Step[] = [];
  const simplerKey = (ref: KeyRef): KeyRef[] => ('stored' in ref ? (ref.stored !== 0 ? [{ stored: 0 }] : []) : 'last' in ref ? [{ stored: 0 }] : ref.key !== 'k' && ref.key.length > 1 ? [{ stored: 0 }] : []);
  switch (step.op) {
    case 'replaceAll':
    case 'merge': {
      const { fill, entries } = step.map;
      if (fill) {
        out.push({ ...step, map: { entries } });
        // toward the fewest generated keys: c/2, 3c/4, … c-1
        for (let delta = Math.floor(fill.count / 2); delta >= 1; delta = Math.floor(delta / 2)) out.push({ ...step, map: { fill: { ...fill, count: fill.count - delta }, entries } });
      }
      entries.forEach((_, i) => out.push({ ...step, map: { ...(fill ? { fill } : {}), entries: entries.filter((__, j) => j !== i) } }));
      entries.forEach(([k, v], i) => {
        if (v !== 'v') out.push({ ...step, map: { ...(fill ? { fill } : {}), entries: entries.map((e, j) => (j === i ? [k, 'v'] : e)) } });
      });
      break;
    }
    case 'setItem':
      for (const key of simplerKey(step.key)) out.push({ ...step, key });
      if (step.value !== 'v' && step.value !== '') out.push({ ...step, value: 'v' });
      break;
    case 'show':
    case 'deleteItem':
      for (const key of simplerKey(step.key)) out.push({ ...step, key });
      break;
    case 'invalid':
      if (step.invalid.kind === 'bad-value' || step.invalid.kind === 'item-body') for (const key of simplerKey(step.invalid.key)) out.push({ ...step, invalid: { ...step.invalid, key } });
      break;
    case 'list':
      break;
  }
  return out;
}
