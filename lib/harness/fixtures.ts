import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { MetadataClient } from '../clients/metadata-client.ts';
import type { Metadata } from '../protocol.ts';
import { describeExchange } from '../http/exchange.ts';
import { redactText } from '../http/redact.ts';
import type { ConformanceContext } from './conformance.ts';
import { ObservationError, PreconditionError } from './errors.ts';
import { expectSameMap } from './expect.ts';
import { collectionMap, itemValue } from './lenient.ts';
import { operationLabel, type Operation } from './served.ts';

/**
 * Arranging and observing: the means every test uses around the one rule it judges (the answers a rule refuses
 * are judged with refusals.ts, the writes a rule is checked through are writers.ts). A test arranges
 * its starting state (`seed`: reached, or reached another documented way, or no verdict) and observes the
 * stored set leniently with a second witness (`expectState`), so that a fault in PUT {S} or in the list body
 * fails the behaviours of PUT {S} or of the list, not every test that happens to use them.
 */

const label = (op: Operation, client: MetadataClient) => operationLabel(op, client.resource);
const show = (map: Metadata) => redactText(JSON.stringify(map));

/** A key an item URL can address (a '/' would split the path, '.' and '..' are dot-segments). */
export function addressable(key: string): boolean {
  return key !== '' && !key.includes('/') && key !== '.' && key !== '..';
}

function sameMap(a: Metadata, b: Metadata): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

/** Keys on which two maps differ (present in one only, or with another value). */
function differing(a: Metadata, b: Metadata): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !Object.hasOwn(a, k) || !Object.hasOwn(b, k) || a[k] !== b[k]);
}

/** The resource's metadata now, read leniently with its list (no verdict when it cannot be read). */
export async function readState(ctx: ConformanceContext, client: MetadataClient = ctx.server): Promise<Metadata> {
  if (!ctx.serves('list', client)) throw new ObservationError(`cannot read the stored set: ${label('list', client)} is not served`);
  const ex = await client.list();
  const map = ex.response.status >= 200 && ex.response.status < 300 ? collectionMap(ex) : undefined;
  if (!map) throw new ObservationError(`cannot read the stored set: ${describeExchange(ex)} carries no metadata map`);
  return map;
}

/** What an item read says of a key: its value, null for "no such key" (404), undefined when it says neither. */
async function shownValue(client: MetadataClient, key: string): Promise<string | null | undefined> {
  if (!addressable(key)) return undefined;
  const ex = await client.show(key);
  if (ex.response.status === 404) return null;
  return ex.response.status >= 200 && ex.response.status < 300 ? itemValue(ex, key) : undefined;
}

type Comparison = { reached: true } | { reached: false; detail: string; listed?: Metadata };

/**
 * Compares the stored set with `expected`. The list is the witness; where it disagrees, GET item is asked about
 * the keys in question, and when it agrees with `expected` the list is not a reliable witness (no verdict:
 * ObservationError). Without a readable list, GET item is asked about every expected key and every `absent` one.
 */
async function compareState(ctx: ConformanceContext, expected: Metadata, client: MetadataClient, absent: readonly string[] = []): Promise<Comparison> {
  let listed: Metadata | undefined;
  let unreadable: ObservationError | undefined;
  // a test of the list observes through GET item where it can, so that a faulty list fails the list's rule
  const witnessIsJudged = ctx.judges('list', client) && ctx.serves('show', client);
  try {
    if (witnessIsJudged) throw new ObservationError(`${label('list', client)} is the operation under test`);
    listed = await readState(ctx, client);
  } catch (e) {
    if (!(e instanceof ObservationError)) throw e;
    unreadable = e;
  }
  const want = (key: string) => (Object.hasOwn(expected, key) ? expected[key]! : null);
  if (listed) {
    if (sameMap(listed, expected)) return { reached: true };
    const keys = differing(listed, expected);
    if (ctx.serves('show', client) && keys.every(addressable)) {
      const seen: (string | null | undefined)[] = [];
      for (const key of keys) seen.push(await shownValue(client, key));
      if (keys.every((key, i) => seen[i] === want(key))) {
        throw new ObservationError(
          `${label('list', client)} answered ${show(listed)} but ${label('show', client)} agrees with the expected ${show(expected)} on ${keys.map((k) => JSON.stringify(k)).join(', ')}: the stored set cannot be observed reliably (the list behaviours judge the list)`,
        );
      }
    }
    return { reached: false, detail: `${label('list', client)} shows ${show(listed)}`, listed };
  }
  if (!ctx.serves('show', client)) throw unreadable!;
  for (const key of [...Object.keys(expected), ...absent]) {
    const seen = await shownValue(client, key);
    if (seen === undefined) throw new ObservationError(`${unreadable!.message}, and ${label('show', client)} tells nothing about ${JSON.stringify(key)}`);
    if (seen !== want(key)) {
      return { reached: false, detail: `${label('show', client)} of ${JSON.stringify(key)} shows ${seen === null ? 'no such key' : JSON.stringify(seen)}, expected ${want(key) === null ? 'no such key' : JSON.stringify(want(key))} (${unreadable!.message})` };
    }
  }
  return { reached: true };
}

/** The stored set is exactly `expected` (observed as compareState does); `absent`: keys that must be gone, for targets without a list. */
export async function expectState(ctx: ConformanceContext, expected: Metadata, what: string, client: MetadataClient = ctx.server, absent: readonly string[] = []): Promise<void> {
  const result = await compareState(ctx, expected, client, absent);
  if (result.reached) return;
  if (result.listed) expectSameMap(result.listed, expected, what);
  expect.fail(`${what}: ${result.detail}`);
}

/**
 * Puts the resource's metadata into a known state, as an arranging step, and checks it was reached: PUT {S},
 * and where that did not give the set, per-key writes (DELETE item for what must go, PUT item or POST for what
 * must be there). A state that cannot be reached is "no verdict" for the test, naming what misbehaved.
 */
export async function seed(ctx: ConformanceContext, metadata: Metadata, client: MetadataClient = ctx.server): Promise<void> {
  const what = `${client.resource === 'images' ? 'image properties are' : 'metadata is'} ${show(metadata)}`;
  await ctx.arrange(what, async () => {
    const tried: string[] = [];
    // observed through GET item (a test of the list), only the keys asked about are seen: ask about the ones held before too
    const before = ctx.judges('list', client) && ctx.serves('list', client) ? Object.keys(await readState(ctx, client).catch(() => ({}))) : [];
    const gone = before.filter((k) => !Object.hasOwn(metadata, k));
    if (ctx.serves('replaceAll', client)) {
      const ex = await client.replaceAll(metadata);
      const result = await compareState(ctx, metadata, client, gone);
      if (result.reached) return;
      tried.push(`${label('replaceAll', client)} answered ${ex.response.status}, then ${result.detail}`);
    }
    if (!['replaceAll', 'merge', 'setItem'].some((op) => ctx.serves(op as Operation, client))) {
      throw new Error(`no write operation of ${client.resource === 'images' ? 'the image' : 'the server'} is served to arrange it`);
    }
    const current = ctx.serves('list', client) ? await readState(ctx, client) : {};
    for (const key of Object.keys(current).filter((k) => !Object.hasOwn(metadata, k))) {
      if (ctx.serves('deleteItem', client) && addressable(key)) await client.deleteItem(key);
    }
    const missing = Object.entries(metadata).filter(([k, v]) => current[k] !== v);
    const perItem = ctx.serves('setItem', client);
    for (const [key, value] of missing.filter(([k]) => perItem && addressable(k))) await client.setItem(key, value);
    const rest = Object.fromEntries(missing.filter(([k]) => !perItem || !addressable(k)));
    if (Object.keys(rest).length && ctx.serves('merge', client)) await client.merge(rest);
    const result = await compareState(ctx, metadata, client, [...new Set([...gone, ...Object.keys(current)])].filter((k) => !Object.hasOwn(metadata, k)));
    if (result.reached) {
      if (tried.length) await ctx.step(`reached with per-key writes: ${tried.join('; ')}`, async () => {});
      return;
    }
    tried.push(`per-key writes, then ${result.detail}`);
    throw new Error(tried.join('; '));
  });
}

/**
 * Arranges `metadata` when it can (seed); a test whose rule holds from any starting state then runs from
 * whatever is stored, as observed, when the state cannot be arranged. Returns the starting set.
 */
export async function seedOrObserve(ctx: ConformanceContext, metadata: Metadata, client: MetadataClient = ctx.server): Promise<Metadata> {
  try {
    await seed(ctx, metadata, client);
    return { ...metadata };
  } catch (e) {
    if (!(e instanceof PreconditionError)) throw e;
    const now = await readState(ctx, client);
    await ctx.step(`starting from the stored set ${show(now)} (${e.message})`, async () => {});
    return now;
  }
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

/** A map of `count` distinct keys (`<prefix>0`, `<prefix>1`, …) with short values, for quota tests. */
export function manyItems(count: number, prefix = 'q'): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}${i}`, 'v']));
}
