import type { Metadata } from '../protocol.ts';
import { json, type Exchange } from '../http/exchange.ts';

/**
 * Lenient readers: what a test needs to *observe* from an answer whose shape is another behaviour's rule.
 * A list body with an extra member or the wrong envelope is a failure of the SM-LIST and SM-ENV behaviours, judged there with
 * the schema; every other test still reads the set out of it, so one fault fails one rule (see README,
 * "How a vendor reads a failure list").
 */

function stringMap(value: unknown): Metadata | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const entries = Object.entries(value as Record<string, unknown>);
  return entries.every(([, v]) => typeof v === 'string') ? (Object.fromEntries(entries) as Metadata) : undefined;
}

function members(ex: Exchange): [string, unknown][] | undefined {
  const body = json(ex);
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? Object.entries(body as Record<string, unknown>) : undefined;
}

/**
 * The map a collection answer carries: its "metadata" member when that is a string map (other members
 * ignored), else its only member when that is a string map (e.g. {"meta": …}); undefined otherwise.
 */
export function collectionMap(ex: Exchange): Metadata | undefined {
  const all = members(ex);
  if (!all) return undefined;
  const named = all.find(([name]) => name === 'metadata');
  if (named) return stringMap(named[1]);
  return all.length === 1 ? stringMap(all[0]![1]) : undefined;
}

/** The value an item answer gives for `key`, in whatever envelope ({"meta": …} or {"metadata": …}); undefined when it gives none. */
export function itemValue(ex: Exchange, key: string): string | undefined {
  for (const [, value] of members(ex) ?? []) {
    const map = stringMap(value);
    if (map && Object.hasOwn(map, key)) return map[key];
  }
  return undefined;
}

export interface LenientFault {
  /** The single top-level member's name, when the body is a one-member object whose value is an object. */
  name?: string;
  message?: string;
}

/** What an error answer says, read leniently (the envelope and its types are SM-ERR-*'s rule). */
export function faultOf(ex: Exchange): LenientFault {
  const all = members(ex);
  if (!all || all.length !== 1) return {};
  const [name, value] = all[0]!;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const message = (value as { message?: unknown }).message;
  return { name, ...(typeof message === 'string' ? { message } : {}) };
}

/**
 * Whether an answer says "no such route" rather than coming from an operation: 405 or 501, or a 404 that is no
 * fault envelope (webob's page, JSON or text). `notFoundMeansMissing`: a 404 of any body counts, for a request
 * to a resource known to exist with a body a served operation would refuse with 400.
 */
export function isRouteMiss(ex: Exchange, notFoundMeansMissing = false): boolean {
  const status = ex.response.status;
  if (status === 405 || status === 501) return true;
  if (status !== 404) return false;
  return notFoundMeansMissing || faultOf(ex).name === undefined;
}
