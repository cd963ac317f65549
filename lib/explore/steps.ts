import fc from 'fast-check';
import type { Metadata } from '../clients/metadata-client.ts';
import type { ApiVersion } from '../config/endpoint.ts';
import type { Operations, Profile } from '../../profiles/types.ts';
import { keyRegExp } from '../../profiles/index.ts';

/**
 * The steps `metaconform explore` sends: the six documented operations on the profile's bases, and invalid
 * requests whose answers the catalogue fixes (400 for bad keys, values, envelopes and bodies, 404 for absent
 * keys, the quota fault for a set past the limit). Never generated, because the catalogue calls them
 * implementation-defined: characters outside the Basic Multilingual Plane (SM-VAL-003), a key with a trailing
 * newline (SM-KEY-006), duplicate JSON members (SM-BODY-008), multipart bodies (SM-ERR-004), bodies past the
 * size limit (SM-BODY-007), keys differing only in case (SM-KEY-007: case-variant DELETE is backend-dependent).
 *
 * A step is plain data (so fast-check can shrink it and the report can print it). A key may be given as a
 * reference to a stored key (`{ stored: n }`: the n-th of the keys stored when the step runs, in order) or to
 * the key the last item request addressed (`{ last: true }`: read your own write), so that reads, overwrites
 * and deletes hit existing keys often; it is resolved against the reference side's state when the step runs.
 */

export type KeyRef = { stored: number } | { key: string } | { last: true };

/** A map: some explicit entries, and optionally `count` generated keys `<prefix>0…` (maps up to the quota and past it). */
export interface MapSpec {
  fill?: { prefix: string; count: number };
  entries: [string, string][];
}

export type CollectionWrite = 'replaceAll' | 'merge';
export type Write = CollectionWrite | 'setItem';

/** Invalid requests: each has exactly one defect, and the catalogue fixes the answer to it. */
export type Invalid =
  | { kind: 'bad-key'; via: Write; key: string }
  | { kind: 'bad-value'; via: Write; key: KeyRef; value: unknown }
  | { kind: 'collection-body'; via: CollectionWrite; body: unknown }
  | { kind: 'item-body'; key: KeyRef; shape: 'metadata-envelope' | 'empty-meta' | 'two-items' | 'mismatch' | 'meta-not-object' | 'no-envelope' }
  | { kind: 'malformed-json'; via: Write };

export type Step =
  | { op: 'list'; api: ApiVersion }
  | { op: 'show'; api: ApiVersion; key: KeyRef }
  | { op: 'deleteItem'; api: ApiVersion; key: KeyRef }
  | { op: 'setItem'; api: ApiVersion; key: KeyRef; value: string }
  | { op: CollectionWrite; api: ApiVersion; map: MapSpec }
  | { op: 'invalid'; api: ApiVersion; invalid: Invalid };

export type OperationName = keyof Operations;

/** A step made concrete against a state: what is sent, and which operation judges its answer. */
export interface Request {
  api: ApiVersion;
  /** The operation whose success statuses and body shape apply. */
  op: OperationName;
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** The item key of the URL (absent: the collection). */
  key?: string;
  /** The request body exactly as sent (JSON unless the step sends malformed JSON). */
  body?: string;
  /** One line for the report. */
  label: string;
}

/** What the generator needs to know of the target. */
export interface GenerationContext {
  profile: Profile;
  bases: readonly ApiVersion[];
  /** The metadata item limit the target announces (maps are drawn up to it and one past it). */
  quota: number;
  /** Operations of the server-metadata API the profile documents. */
  operations: Operations;
}

/** Most steps in one sequence. Part of what a replay path depends on: never change it lightly. */
export const MAX_STEPS = 25;

/** Value characters: ASCII, Latin-1, BMP letters and symbols, a combining accent; no control character, nothing outside the BMP. */
const VALUE_CHARS = [...'abcxyzABCXYZ0189 -_:./"\\<>&=?#%@', 'é', 'ü', 'ñ', 'ß', '€', '中', '文', 'ж', '\u0301', 'Ω'];
/** Candidates for a character a key may not hold (those the profile's pattern refuses are used); never '/' (it would split the item URL). */
const BAD_KEY_CHARS = [' ', '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '=', '+', '[', ']', '{', '}', '|', ';', "'", '"', ',', '<', '>', '?', '~', '`', 'é', 'ж', '中'];

/**
 * One spelling per key regardless of case: keys that differ only in case are never both drawn (SM-KEY-007 leaves
 * case-variant DELETE to the backend). Deterministic in the key's lower-case form.
 */
export function canonicalCase(key: string): string {
  return [...key.toLowerCase()].map((c, i) => (c >= 'a' && c <= 'z' && (c.charCodeAt(0) + i) % 3 === 0 ? c.toUpperCase() : c)).join('');
}

/** A key an item URL can address ('.' and '..' are dot-segments, '/' splits the path). */
export function addressable(key: string): boolean {
  return key !== '.' && key !== '..' && !key.includes('/') && key.length > 0;
}

function codePoints(text: string): number {
  return [...text].length;
}

/** Whether a key is valid under the profile (the pattern and the length limits, in code points). */
export function validKey(profile: Profile, key: string): boolean {
  const n = codePoints(key);
  return keyRegExp(profile).test(key) && n >= profile.keys.minLength && n <= profile.keys.maxLength;
}

/** The printable ASCII characters a one-character key may be made of under the profile. */
export function keyAlphabet(profile: Profile): string[] {
  const re = keyRegExp(profile);
  return Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).filter((c) => re.test(c));
}

/** The n-th key of a generated map. */
export function fillKey(prefix: string, i: number): string {
  return canonicalCase(`${prefix}${i}`);
}

/** The map a spec stands for. */
export function mapOf(spec: MapSpec): Metadata {
  const map: Metadata = {};
  for (let i = 0; i < (spec.fill?.count ?? 0); i++) map[fillKey(spec.fill!.prefix, i)] = 'v';
  for (const [k, v] of spec.entries) map[k] = v;
  return map;
}

/** What a key reference is resolved against: the keys stored when the step runs, and the key the last item request addressed. */
export interface Resolution {
  stored: Metadata;
  lastKey?: string;
}

/** The key a reference stands for (a fixed key when it names none: no key stored, no item request yet). */
export function resolveKey(ref: KeyRef, at: Resolution): string {
  if ('key' in ref) return ref.key;
  const { stored } = at;
  if ('last' in ref && at.lastKey !== undefined) return at.lastKey;
  if ('last' in ref) return resolveKey({ stored: 0 }, at);
  const keys = Object.keys(stored).filter(addressable).sort();
  return keys.length ? keys[(ref as { stored: number }).stored % keys.length]! : 'k';
}

function quote(text: string, max = 24): string {
  const shown = JSON.stringify(text);
  return shown.length > max + 2 ? `${shown.slice(0, max)}…" (${codePoints(text)} characters)` : shown;
}

/** A short description of a map for the report: generated keys as a range, explicit entries as they are. */
export function describeMap(spec: MapSpec): string {
  const parts: string[] = [];
  if (spec.fill && spec.fill.count > 0) {
    const { prefix, count } = spec.fill;
    parts.push(count === 1 ? `${quote(fillKey(prefix, 0))}: "v"` : `${fillKey(prefix, 0)}…${fillKey(prefix, count - 1)}: "v" (${count} items)`);
  }
  for (const [k, v] of spec.entries) parts.push(`${quote(k)}: ${quote(v)}`);
  return `{${parts.join(', ')}}${spec.fill && spec.fill.count > 0 && spec.entries.length ? ` (${Object.keys(mapOf(spec)).length} items)` : ''}`;
}

function describeValue(value: unknown): string {
  return typeof value === 'string' ? quote(value) : JSON.stringify(value) ?? String(value);
}

const COLLECTION: Record<CollectionWrite, { method: 'PUT' | 'POST'; label: string }> = { replaceAll: { method: 'PUT', label: 'PUT {S}' }, merge: { method: 'POST', label: 'POST {S}' } };

/** A write carrying one key and value (the body a valid write of that kind would have). */
function writeOne(api: ApiVersion, via: Write, key: string, value: unknown, what: string): Request {
  if (via === 'setItem') return { api, op: 'setItem', method: 'PUT', key, body: JSON.stringify({ meta: { [key]: value } }), label: `[${api}] PUT {S}/${quote(key)} ${what}` };
  return { api, op: via, method: COLLECTION[via].method, body: JSON.stringify({ metadata: { [key]: value } }), label: `[${api}] ${COLLECTION[via].label} ${what}` };
}

/** The request a step sends, given the state it runs in. */
export function requestOf(step: Step, at: Resolution): Request {
  const { api } = step;
  const { stored } = at;
  switch (step.op) {
    case 'list':
      return { api, op: 'list', method: 'GET', label: `[${api}] GET {S}` };
    case 'show': {
      const key = resolveKey(step.key, at);
      return { api, op: 'show', method: 'GET', key, label: `[${api}] GET {S}/${quote(key)}${Object.hasOwn(stored, key) ? '' : ' (absent)'}` };
    }
    case 'deleteItem': {
      const key = resolveKey(step.key, at);
      return { api, op: 'deleteItem', method: 'DELETE', key, label: `[${api}] DELETE {S}/${quote(key)}${Object.hasOwn(stored, key) ? '' : ' (absent)'}` };
    }
    case 'setItem': {
      const key = resolveKey(step.key, at);
      const what = Object.hasOwn(stored, key) ? (stored[key] === step.value ? ' (same value)' : ' (overwrite)') : ' (new)';
      return { api, op: 'setItem', method: 'PUT', key, body: JSON.stringify({ meta: { [key]: step.value } }), label: `[${api}] PUT {S}/${quote(key)} = ${quote(step.value)}${what}` };
    }
    case 'replaceAll':
    case 'merge':
      return { api, op: step.op, method: COLLECTION[step.op].method, body: JSON.stringify({ metadata: mapOf(step.map) }), label: `[${api}] ${COLLECTION[step.op].label} ${describeMap(step.map)}` };
    case 'invalid':
      return invalidRequest(api, step.invalid, at);
  }
}

function invalidRequest(api: ApiVersion, invalid: Invalid, at: Resolution): Request {
  switch (invalid.kind) {
    case 'bad-key':
      return writeOne(api, invalid.via, invalid.key, 'v', `with the invalid key ${quote(invalid.key)}`);
    case 'bad-value': {
      const key = resolveKey(invalid.key, at);
      return writeOne(api, invalid.via, key, invalid.value, `${quote(key)} = the invalid value ${describeValue(invalid.value)}`);
    }
    case 'collection-body':
      return { api, op: invalid.via, method: COLLECTION[invalid.via].method, body: JSON.stringify(invalid.body), label: `[${api}] ${COLLECTION[invalid.via].label} with the body ${JSON.stringify(invalid.body)}` };
    case 'item-body': {
      const key = resolveKey(invalid.key, at);
      const other = key === 'other' ? 'another' : 'other';
      const bodies: Record<typeof invalid.shape, unknown> = {
        'metadata-envelope': { metadata: { [key]: 'v' } },
        'empty-meta': { meta: {} },
        'two-items': { meta: { [key]: 'v', [other]: 'v' } },
        mismatch: { meta: { [other]: 'v' } },
        'meta-not-object': { meta: 'v' },
        'no-envelope': {},
      };
      return { api, op: 'setItem', method: 'PUT', key, body: JSON.stringify(bodies[invalid.shape]), label: `[${api}] PUT {S}/${quote(key)} with the body ${JSON.stringify(bodies[invalid.shape])} (${invalid.shape})` };
    }
    case 'malformed-json':
      if (invalid.via === 'setItem') return { api, op: 'setItem', method: 'PUT', key: 'k', body: '{"meta": {"k": "v"', label: `[${api}] PUT {S}/"k" with malformed JSON` };
      return { api, op: invalid.via, method: COLLECTION[invalid.via].method, body: '{"metadata": {"k": "v"', label: `[${api}] ${COLLECTION[invalid.via].label} with malformed JSON` };
  }
}

/** The arbitraries of a target's steps (fast-check): keys and values from the profile's rules, maps up to the quota. */
export function stepsArbitrary(g: GenerationContext, maxSteps: number = MAX_STEPS): fc.Arbitrary<Step[]> {
  const { profile, quota } = g;
  const { minLength: valueMin, maxLength: valueMax } = profile.values;
  const keyMax = profile.keys.maxLength;
  const alphabet = keyAlphabet(profile);
  const usable = (k: string) => validKey(profile, k) && addressable(k);
  const pool = ['a', 'b', 'c', 'key-1', 'k:2', 'x.y', 'under_score', 'with space', 'Zz9'].map(canonicalCase).filter(usable);
  const keyChars = fc.constantFrom(...alphabet);
  const randomKey = fc
    .oneof(
      { weight: 6, arbitrary: fc.string({ unit: keyChars, minLength: 1, maxLength: 8 }) },
      { weight: 1, arbitrary: fc.string({ unit: keyChars, minLength: keyMax, maxLength: keyMax }) },
      { weight: 1, arbitrary: fc.string({ unit: keyChars, minLength: 9, maxLength: keyMax }) },
    )
    .map(canonicalCase)
    .filter(usable);
  const newKey = fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...pool) }, { weight: 1, arbitrary: randomKey });
  // weights of a stored key, a new (or absent) key and the last key addressed: reads often follow a write of
  // the same key, overwrites and deletes mostly hit stored keys
  const keyRefWeighted = (stored: number, fresh: number, last: number): fc.Arbitrary<KeyRef> =>
    fc.oneof(
      { weight: stored, arbitrary: fc.oneof(fc.constant(0), fc.nat(3), fc.nat(200)).map((n) => ({ stored: n })) },
      { weight: fresh, arbitrary: newKey.map((key) => ({ key })) },
      { weight: last, arbitrary: fc.constant({ last: true as const }) },
    );
  const keyRef = keyRefWeighted(3, 2, 1);
  const showKey = keyRefWeighted(2, 1, 3);
  const deleteKey = keyRefWeighted(4, 1, 1);
  const valueChars = fc.constantFrom(...VALUE_CHARS);
  const value = fc.oneof(
    { weight: 6, arbitrary: fc.string({ unit: valueChars, minLength: Math.max(valueMin, 0), maxLength: Math.max(valueMin, 12) }) },
    { weight: 1, arbitrary: fc.string({ unit: valueChars, minLength: valueMin, maxLength: valueMax }) },
    { weight: 1, arbitrary: fc.constantFrom('v', 'é', '€', '中').map((c) => c.repeat(valueMax)) },
  );
  const sizes = fc.oneof(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: quota + 1 }), fc.constantFrom(quota, quota + 1, Math.min(51, quota), Math.min(65, quota)));
  const map: fc.Arbitrary<MapSpec> = fc.record({
    fill: fc.option(fc.record({ prefix: fc.constantFrom('f', 'g', 'h'), count: sizes }), { nil: undefined, freq: 3 }),
    entries: fc.array(fc.tuple(newKey, value), { maxLength: 6 }),
  }).map((m) => (m.fill ? m : { entries: m.entries }));
  const api = fc.constantFrom(...g.bases);
  const ops = g.operations;
  const writes = (['replaceAll', 'merge', 'setItem'] as const).filter((w) => ops[w]);
  const collectionWrites = (['replaceAll', 'merge'] as const).filter((w) => ops[w]);
  const badChars = BAD_KEY_CHARS.filter((c) => !keyRegExp(profile).test(`a${c}b`));
  const invalids: fc.Arbitrary<Invalid>[] = [];
  if (writes.length) {
    const via = fc.constantFrom(...writes);
    const badKeys = [
      ...(badChars.length ? [fc.tuple(fc.constantFrom(...badChars), fc.constantFrom('a', 'key')).map(([c, k]) => `${k}${c}${k}`)] : []),
      fc.constant(canonicalCase('k'.repeat(keyMax + 1))),
    ];
    invalids.push(fc.record({ kind: fc.constant('bad-key' as const), via, key: fc.oneof(...badKeys) }));
    const badValues: fc.Arbitrary<unknown>[] = [fc.constantFrom('v', 'é', '€').map((c) => c.repeat(valueMax + 1)), fc.constantFrom<unknown>(1, 1.5, true, null, {}, ['a'])];
    if (valueMin > 0) badValues.push(fc.constant(''));
    invalids.push(fc.record({ kind: fc.constant('bad-value' as const), via, key: keyRef, value: fc.oneof(...badValues) }));
    invalids.push(fc.record({ kind: fc.constant('malformed-json' as const), via }));
  }
  if (collectionWrites.length) {
    const body = fc.constantFrom<unknown>({ meta: { a: '1' } }, {}, [{ metadata: { a: '1' } }], { metadata: 'a' }, { metadata: null }, { metadata: ['a'] }, { metadata: { a: '1' }, extra: '1' });
    invalids.push(fc.record({ kind: fc.constant('collection-body' as const), via: fc.constantFrom(...collectionWrites), body }));
  }
  if (ops.setItem) {
    invalids.push(fc.record({ kind: fc.constant('item-body' as const), key: keyRef, shape: fc.constantFrom('metadata-envelope', 'empty-meta', 'two-items', 'mismatch', 'meta-not-object', 'no-envelope') }));
  }
  const step = fc.oneof(
    ...([
      [2, ops.list, fc.record({ op: fc.constant('list' as const), api })],
      [3, ops.show, fc.record({ op: fc.constant('show' as const), api, key: showKey })],
      [3, ops.deleteItem, fc.record({ op: fc.constant('deleteItem' as const), api, key: deleteKey })],
      [4, ops.setItem, fc.record({ op: fc.constant('setItem' as const), api, key: keyRef, value })],
      [3, ops.merge, fc.record({ op: fc.constant('merge' as const), api, map })],
      [2, ops.replaceAll, fc.record({ op: fc.constant('replaceAll' as const), api, map })],
      [2, invalids.length > 0, fc.record({ op: fc.constant('invalid' as const), api, invalid: invalids.length ? fc.oneof(...invalids) : fc.constant(undefined as never) })],
    ] as const)
      .filter(([, documented]) => documented)
      .map(([weight, , arbitrary]) => ({ weight, arbitrary: arbitrary as fc.Arbitrary<Step> })),
  );
  return fc.array(step, { minLength: 1, maxLength: maxSteps, size: 'max' });
}
