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

/**
 * Writes that must each be refused with `status` and together change nothing: each answer is checked as
 * it comes, the metadata is read once after the last. A refused write that was applied anyway still shows
 * there, since no later write of the batch removes keys that could put `before` back; one read per batch
 * instead of one per write keeps the run to the requests it needs.
 */
export async function expectAllRefused(
  ctx: ConformanceContext,
  status: number,
  before: Metadata,
  writes: readonly (() => Promise<Exchange>)[],
  client: MetadataClient = ctx.server,
): Promise<void> {
  const sent: string[] = [];
  for (const write of writes) {
    const ex = await write();
    sent.push(`${ex.request.method} ${redactText(ex.request.url)}`);
    expectFault(ex, status);
  }
  expectSameMap(await currentMetadata(ctx, client), before, `metadata after the refused ${sent.join(', ')} is unchanged`);
}

/** A map of `count` distinct keys (`<prefix>0`, `<prefix>1`, …) with short values, for quota tests. */
export function manyItems(count: number, prefix = 'q'): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}${i}`, 'v']));
}
