import { randomUUID } from 'node:crypto';
import type { Metadata, MetadataClient } from '../clients/metadata-client.ts';
import { describeExchange, type Exchange } from '../http/exchange.ts';
import { redactText } from '../http/redact.ts';
import type { ConformanceContext } from './conformance.ts';
import { expectCollection, expectFault, expectSameMap } from './expect.ts';

/** Puts the server's metadata into a known state (replace-all) as an arranging step. */
export async function seed(ctx: ConformanceContext, metadata: Metadata, client: MetadataClient = ctx.server): Promise<void> {
  await ctx.arrange(`metadata is ${JSON.stringify(metadata)}`, async () => {
    const ex = await client.replaceAll(metadata);
    if (!ctx.profile.success.write.includes(ex.response.status)) throw new Error(describeExchange(ex));
  });
}

/** A server id that exists nowhere: a fresh UUID. */
export function unknownId(): string {
  return randomUUID();
}

/** A well-formed project id (lower-case hex, as Nova routes them) that is not the token's project. */
export function otherProjectId(projectId: string): string {
  const candidate = 'abcdef0123456789abcdef0123456789';
  return candidate === projectId ? 'fedcba9876543210fedcba9876543210' : candidate;
}

/** The resource's metadata now, read with a list that must succeed (part of the verdict). */
export async function currentMetadata(ctx: ConformanceContext, client: MetadataClient = ctx.server): Promise<Metadata> {
  return expectCollection(await client.list(), ctx.profile.success.read);
}

/**
 * A request was refused with the Nova fault for `status` and the metadata is still `before`
 * (a rejected write changes nothing). Returns the fault.
 */
export async function expectRefused(
  ctx: ConformanceContext,
  ex: Exchange,
  status: number,
  before: Metadata,
  client: MetadataClient = ctx.server,
): Promise<{ name: string; message: string }> {
  const fault = expectFault(ex, status);
  expectSameMap(await currentMetadata(ctx, client), before, `metadata after the refused ${ex.request.method} ${redactText(ex.request.url)} is unchanged`);
  return fault;
}

/** Writes that must each be refused, under one step name (none: no step of its own), with an optional check of each fault. */
export interface RefusedCase {
  step?: string;
  writes: readonly (() => Promise<Exchange>)[];
  check?: (fault: { name: string; message: string }) => void;
}

/**
 * Cases of writes that must each be refused with `status` and together change nothing: each answer is
 * checked as it comes (in its case's step), the metadata is read once after the last. A refused write that
 * was applied anyway still shows there: no write of these cases sets the metadata back to `before` (their
 * bodies are refused because of a key or value they add, or because they are no metadata map at all), so a
 * change stays visible to the one read. One read for all cases instead of one per write keeps the run to
 * the requests it needs.
 */
export async function expectRefusedCases(
  ctx: ConformanceContext,
  status: number,
  before: Metadata,
  cases: readonly RefusedCase[],
  client: MetadataClient = ctx.server,
): Promise<void> {
  const sent: string[] = [];
  for (const c of cases) {
    const run = async () => {
      for (const write of c.writes) {
        const ex = await write();
        sent.push(`${ex.request.method} ${redactText(ex.request.url)}`);
        const fault = expectFault(ex, status);
        c.check?.(fault);
      }
    };
    if (c.step === undefined) await run();
    else await ctx.step(c.step, run);
  }
  if (!sent.length) return;
  const what = sent.length > 3 ? `${sent.length} refused writes above` : `refused ${sent.join(', ')}`;
  expectSameMap(await currentMetadata(ctx, client), before, `metadata after the ${what} is unchanged`);
}

/** Writes that must each be refused with `status` and together change nothing (see expectRefusedCases). */
export async function expectAllRefused(
  ctx: ConformanceContext,
  status: number,
  before: Metadata,
  writes: readonly (() => Promise<Exchange>)[],
  client: MetadataClient = ctx.server,
): Promise<void> {
  await expectRefusedCases(ctx, status, before, [{ writes }], client);
}

/** A map of `count` distinct keys (`<prefix>0`, `<prefix>1`, …) with short values, for quota tests. */
export function manyItems(count: number, prefix = 'q'): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}${i}`, 'v']));
}
