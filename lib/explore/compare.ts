import type { Metadata } from '../clients/metadata-client.ts';
import { collectionMap, faultOf, isRouteMiss } from '../harness/lenient.ts';
import { json, type Exchange } from '../http/exchange.ts';
import type { Profile } from '../../profiles/types.ts';
import type { OperationName } from './steps.ts';

/**
 * What explore compares of an answer: the status (a success status the profile allows for the operation counts
 * as "success", so 200 and 203 on a read are alike), the fault name of an error, and the map a success carries
 * (the collection's for list, PUT and POST; the item's for GET and PUT item). Messages, headers and envelopes
 * are other behaviours' rules (the conformance run judges them), never a divergence here.
 */
export interface Shape {
  status: number | 'success';
  fault?: string;
  map?: Metadata;
}

function stringMap(value: unknown): Metadata | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const entries = Object.entries(value as Record<string, unknown>);
  return entries.every(([, v]) => typeof v === 'string') ? (Object.fromEntries(entries) as Metadata) : undefined;
}

/** The map of an item answer: its only member's value when that is a string map ({"meta": {…}}). */
function itemMap(ex: Exchange): Metadata | undefined {
  const body = json(ex);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const members = Object.values(body as Record<string, unknown>);
  return members.length === 1 ? stringMap(members[0]) : undefined;
}

function successStatuses(profile: Profile, op: OperationName): readonly number[] {
  if (op === 'list' || op === 'show') return profile.success.read;
  return op === 'deleteItem' ? profile.success.delete : profile.success.write;
}

/** The comparable shape of one answer to an operation. */
export function shapeOf(profile: Profile, op: OperationName, ex: Exchange): Shape {
  const status = ex.response.status;
  if (status >= 400) return { status, fault: faultOf(ex).name ?? (isRouteMiss(ex) ? '(route miss)' : '(no fault envelope)') };
  const shape: Shape = { status: successStatuses(profile, op).includes(status) ? 'success' : status };
  if (op === 'deleteItem') return shape;
  const map = op === 'show' || op === 'setItem' ? itemMap(ex) : collectionMap(ex);
  return map ? { ...shape, map } : shape;
}

/** A shape as text with its map's entries in order: equal texts, equal shapes. */
export function canonical(shape: Shape | undefined): string {
  if (!shape) return 'none';
  const map = shape.map ? Object.fromEntries(Object.entries(shape.map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : undefined;
  return JSON.stringify({ status: shape.status, ...(shape.fault !== undefined ? { fault: shape.fault } : {}), ...(map ? { map } : {}) });
}

export function sameShape(a: Shape, b: Shape): boolean {
  return canonical(a) === canonical(b);
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}

/** A map in a line: small maps in full, large ones by their size and a few keys. */
export function describeMapShape(map: Metadata, max = 160): string {
  const keys = Object.keys(map).sort();
  if (keys.length > 12) return `{${keys.length} items: ${keys.slice(0, 4).map((k) => JSON.stringify(k)).join(', ')}, …}`;
  return clip(JSON.stringify(Object.fromEntries(keys.map((k) => [k, map[k]]))), max);
}

/** A shape in a line, for the report. */
export function describeShape(shape: Shape): string {
  const status = shape.status === 'success' ? 'success' : String(shape.status);
  if (shape.fault !== undefined) return `${status} ${shape.fault}`;
  return shape.map ? `${status} ${describeMapShape(shape.map)}` : status;
}

/** What differs between two maps, in a line (keys only on one side, values that differ). */
export function mapDifference(a: Metadata, b: Metadata, aName: string, bName: string): string {
  const only = (x: Metadata, y: Metadata) => Object.keys(x).filter((k) => !Object.hasOwn(y, k)).sort();
  const differing = Object.keys(a).filter((k) => Object.hasOwn(b, k) && a[k] !== b[k]).sort();
  const parts = [
    only(a, b).length ? `only ${aName} has ${only(a, b).slice(0, 6).map((k) => JSON.stringify(k)).join(', ')}${only(a, b).length > 6 ? ` and ${only(a, b).length - 6} more` : ''}` : '',
    only(b, a).length ? `only ${bName} has ${only(b, a).slice(0, 6).map((k) => JSON.stringify(k)).join(', ')}${only(b, a).length > 6 ? ` and ${only(b, a).length - 6} more` : ''}` : '',
    differing.length ? `values differ for ${differing.slice(0, 6).map((k) => `${JSON.stringify(k)} (${clip(JSON.stringify(a[k]), 40)} vs ${clip(JSON.stringify(b[k]), 40)})`).join(', ')}` : '',
  ].filter(Boolean);
  return parts.join('; ');
}
