import type { Implementation } from './implementation.ts';
import { Fault } from './faults.ts';

/** Body shapes of the metadata write operations (nova/api/openstack/compute/schemas/server_metadata.py). */
export type BodyKind = 'collection' | 'item';

export interface ValidationInput {
  body: unknown;
  kind: BodyKind;
  /** Legacy v2 mode: extra top-level members are dropped instead of rejected. */
  legacy: boolean;
}

export type ValidationResult = { ok: true; map: Record<string, string> } | { ok: false; message: string };

function repr(value: unknown): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  return JSON.stringify(value) ?? String(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Validate a metadata request body the way Nova's JSON-schema validation does, with the key and
 * value rules of the implementation (which a mutant may alter). Returns the metadata map.
 */
export function validateBody(impl: Implementation, input: ValidationInput): ValidationResult {
  const envelopes = impl.acceptedEnvelopes(input.kind);
  const { body } = input;
  if (typeName(body) !== 'object') return { ok: false, message: `${repr(body)} is not of type 'object'` };
  const top = body as Record<string, unknown>;
  const envelope = envelopes.find((name) => Object.hasOwn(top, name));
  if (envelope === undefined) return { ok: false, message: `'${envelopes[0]}' is a required property` };
  const extra = Object.keys(top).filter((k) => k !== envelope);
  if (extra.length && !(input.legacy ? impl.legacyDropsExtraMembers : impl.strictDropsExtraMembers)) {
    return { ok: false, message: `Additional properties are not allowed (${extra.map((k) => `'${k}'`).join(', ')} was unexpected)` };
  }
  const inner = top[envelope];
  const prefix = `Invalid input for field/attribute ${envelope}. Value: ${repr(inner)}.`;
  if (typeName(inner) !== 'object') return { ok: false, message: `${prefix} ${repr(inner)} is not of type 'object'` };
  const entries = Object.entries(inner as Record<string, unknown>);
  for (const [key, value] of entries) {
    if (!impl.keyValid(key)) continue;
    const field = `Invalid input for field/attribute ${key}. Value: ${repr(value)}.`;
    if (!impl.valueTypeValid(value)) return { ok: false, message: `${field} ${repr(value)} is not of type 'string'` };
    const length = impl.valueLength(value as string);
    if (length > impl.profile.values.maxLength) return { ok: false, message: `${field} ${repr(value)} is too long` };
    if (length < impl.profile.values.minLength) return { ok: false, message: `${field} ${repr(value)} is too short` };
  }
  const badKeys = entries.map(([k]) => k).filter((k) => !impl.keyValid(k));
  if (badKeys.length) {
    const detail = input.legacy
      ? `Additional properties are not allowed (${badKeys.map((k) => `'${k}'`).join(', ')} was unexpected)`
      : `${badKeys.map((k) => `'${k}'`).join(', ')} does not match any of the regexes: '${impl.profile.keys.pattern}'`;
    return { ok: false, message: `${prefix} ${detail}` };
  }
  if (input.kind === 'item' && entries.length < 1) return { ok: false, message: `${prefix} ${repr(inner)} does not have enough properties` };
  if (input.kind === 'item' && entries.length > impl.maxItemProperties) return { ok: false, message: `${prefix} ${repr(inner)} has too many properties` };
  return { ok: true, map: Object.fromEntries(entries.map(([k, v]) => [impl.storedKey(k), impl.storedValue(v as string)])) };
}

/** A write body validated for a base (/v2 is the legacy v2 compatible mode), or a 400 Fault with the validator's message. */
export function validatedBody(impl: Implementation, api: string, body: unknown, kind: BodyKind): Record<string, string> {
  const result = validateBody(impl, { body, kind, legacy: api === 'v2' });
  if (!result.ok) throw new Fault(400, result.message);
  return result.map;
}
