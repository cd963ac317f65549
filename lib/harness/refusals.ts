import type { MetadataClient } from '../clients/metadata-client.ts';
import { ServerErrorAnswer } from '../http/client.ts';
import { describeExchange, type Exchange } from '../http/exchange.ts';
import { redactText } from '../http/redact.ts';
import { faultName, type Metadata } from '../protocol.ts';
import { expect } from 'vitest';
import type { ConformanceContext } from './conformance.ts';
import { expectStatus } from './expect.ts';
import { expectState } from './fixtures.ts';
import { faultOf, type LenientFault } from './lenient.ts';

/**
 * The answers a rule refuses: the error status, the fault name where the behaviour's own rule names it, and the
 * stored set unchanged afterwards (observed as lib/harness/fixtures.ts observes it).
 */

/**
 * The answer of a request a rule says is refused: a 500 it provoked is taken as its answer (a crash on input
 * the rule refuses is a non-conformance); other 5xx and network faults stay "no verdict".
 */
export async function answerOf(send: () => Promise<Exchange>): Promise<Exchange> {
  try {
    return await send();
  } catch (e) {
    if (e instanceof ServerErrorAnswer && e.exchange.response.status === 500) return e.exchange;
    throw e;
  }
}

/**
 * The request was answered with the error status; the fault name is checked where the behaviour's own rule
 * names it (e.g. "404 itemNotFound"). The envelope, its schema and the code's type are SM-ERR-*'s rule
 * (`expectFault` in expect.ts). Returns the fault, read leniently.
 */
export function expectError(ctx: ConformanceContext, ex: Exchange, status: number): LenientFault {
  expectStatus(ex, [status]);
  const fault = faultOf(ex);
  const name = faultName(status);
  if (ctx.behaviour.rule.includes(name) && fault.name !== name) {
    expect.fail(`fault name for ${status}: expected "${name}", got ${fault.name === undefined ? 'no fault envelope' : `"${fault.name}"`} — ${describeExchange(ex)}`);
  }
  return fault;
}

/** A request was refused with `status` and the stored set is still `before` (a rejected write changes nothing). */
export async function expectRefused(ctx: ConformanceContext, ex: Exchange, status: number, before: Metadata, client: MetadataClient = ctx.server): Promise<LenientFault> {
  const fault = expectError(ctx, ex, status);
  await expectState(ctx, before, `metadata after the refused ${ex.request.method} ${redactText(ex.request.url)} is unchanged`, client);
  return fault;
}

/** Writes that must each be refused, under one step name (none: no step of its own), with an optional check of each fault. */
export interface RefusedCase {
  step?: string;
  writes: readonly (() => Promise<Exchange>)[];
  check?: (fault: LenientFault) => void;
}

/**
 * Cases of writes that must each be refused with `status` and together change nothing: each answer is
 * checked as it comes (in its case's step), the stored set is observed once after the last. A refused write
 * that was applied anyway still shows there: no write of these cases sets the metadata back to `before`.
 */
export async function expectRefusedCases(ctx: ConformanceContext, status: number, before: Metadata, cases: readonly RefusedCase[], client: MetadataClient = ctx.server): Promise<void> {
  const sent: string[] = [];
  for (const c of cases) {
    const run = async () => {
      for (const write of c.writes) {
        const ex = await answerOf(write);
        sent.push(`${ex.request.method} ${redactText(ex.request.url)}`);
        const fault = expectError(ctx, ex, status);
        c.check?.(fault);
      }
    };
    if (c.step === undefined) await run();
    else await ctx.step(c.step, run);
  }
  if (!sent.length) return;
  const what = sent.length > 3 ? `${sent.length} refused writes above` : `refused ${sent.join(', ')}`;
  await expectState(ctx, before, `metadata after the ${what} is unchanged`, client);
}
