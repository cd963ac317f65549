import { expect } from 'vitest';
import type { MetadataClient } from '../clients/metadata-client.ts';
import { describeExchange, type Exchange } from '../http/exchange.ts';
import { encodeKey } from '../http/paths.ts';
import type { Metadata } from '../protocol.ts';
import type { ConformanceContext } from './conformance.ts';
import { addressable } from './fixtures.ts';
import { operationLabel, type Operation } from './served.ts';

/**
 * The writes a rule about keys, values and bodies is checked through: each write operation the target serves
 * (POST {S}, PUT {S}, PUT {S}/{key}) as a Writer, and whether one accepted a write.
 */

const label = (op: Operation, client: MetadataClient) => operationLabel(op, client.resource);

/** One way a single key reaches the server in a request body. */
export interface Writer {
  op: 'merge' | 'replaceAll' | 'setItem';
  /** 'POST {S}', 'PUT {S}', 'PUT {S}/{key}'. */
  label: string;
  /** Whether this write can carry the key (an item URL cannot address every key). */
  carries(key: string): boolean;
  /** Sends `key: value` (any JSON value); POST and PUT {S} send it beside `current`, so nothing else changes. */
  send(key: string, value: unknown, current: Metadata): Promise<Exchange>;
}

/**
 * The write operations the target serves for the client's resource (POST {S}, PUT {S}, PUT {S}/{key}): rules
 * about keys, values and bodies are checked through each, as a step of its own.
 */
export function writers(ctx: ConformanceContext, client: MetadataClient = ctx.server): Writer[] {
  const all: Writer[] = [
    // POST carries the whole set too, so that what it stores does not depend on merge semantics (SM-MERGE-*'s rule)
    { op: 'merge', label: label('merge', client), carries: () => true, send: (key, value, current) => client.raw('POST', undefined, { json: { metadata: { ...current, [key]: value } } }) },
    { op: 'replaceAll', label: label('replaceAll', client), carries: () => true, send: (key, value, current) => client.raw('PUT', undefined, { json: { metadata: { ...current, [key]: value } } }) },
    // only keys an item URL carries unencoded: percent-decoding of item URLs is SM-URL-005's rule
    { op: 'setItem', label: label('setItem', client), carries: (key) => addressable(key) && encodeKey(key) === key, send: (key, value) => client.raw('PUT', key, { json: { meta: { [key]: value } } }) },
  ];
  return all.filter((w) => ctx.serves(w.op, client));
}

/** The served writers, or the test is not applicable (none of the three write operations is served). */
export function writersOrNotApplicable(ctx: ConformanceContext, client: MetadataClient = ctx.server): Writer[] {
  const found = writers(ctx, client);
  if (!found.length) ctx.notApplicable(`the target serves none of ${['merge', 'replaceAll', 'setItem'].map((op) => label(op as Operation, client)).join(', ')}`);
  return found;
}

/** Whether an answer is a success (2xx): which success status is SM-STATUS-001's rule. */
export function succeeded(ex: Exchange): boolean {
  return ex.response.status >= 200 && ex.response.status < 300;
}

/** A request meant to succeed answered a success status (2xx; the profile's exact statuses are SM-STATUS-001's rule). */
export function expectAccepted(_ctx: ConformanceContext, ex: Exchange, what: string): void {
  if (!succeeded(ex)) expect.fail(`${what}: expected a success status, got ${describeExchange(ex)}`);
}

/**
 * Writes `key: value` through a writer, expecting it to be accepted. When it is refused, the writer is asked to
 * write back what is stored (a no-op): if it refuses that too, the writer does not work at all — its own
 * operation's behaviours judge that — and 'broken' is returned, so that the caller leaves this writer out. A
 * writer that works but refuses this key fails the test.
 */
export async function acceptedThrough(ctx: ConformanceContext, w: Writer, key: string, value: unknown, current: Metadata, what: string): Promise<'accepted' | 'broken'> {
  const ex = await w.send(key, value, current);
  if (succeeded(ex)) return 'accepted';
  const [plainKey, plainValue] = Object.entries(current).find(([k]) => w.carries(k)) ?? [];
  if (plainKey !== undefined && !succeeded(await w.send(plainKey, plainValue, current))) {
    await ctx.step(`${w.label} refuses even a write of what is stored: left out (its own behaviours judge it) — ${describeExchange(ex)}`, async () => {});
    return 'broken';
  }
  expect.fail(`${what}: expected a success status, got ${describeExchange(ex)}`);
}
