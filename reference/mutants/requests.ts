import { Fault } from '../faults.ts';
import { codePoints } from '../implementation.ts';
import type { Mutant } from './types.ts';

/** The profile key pattern without its anchors: a `re.search`/`RegExp.test` that finds one valid run inside a key. */
function unanchored(pattern: string): RegExp {
  return new RegExp(pattern.replace(/^\^/, '').replace(/\$$/, ''));
}

/** Mutants of request bodies, keys, values, envelopes and content types. */
export const requestsMutants: Readonly<Record<string, Mutant>> = {
  // --- keys ---
  'key-max-254': {
    description: 'the key length limit is off by one: a key of 255 characters is rejected',
    violates: ['SM-KEY-003'],
    patch: (c) => ({ keyValid: (k) => c.keyValid(k) && codePoints(k) < c.profile.keys.maxLength }),
  },
  'key-pattern-unanchored': {
    description: 'the key pattern is searched, not matched: a key with one valid run ("a/b", 256 × "k") passes',
    violates: ['SM-KEY-001', 'SM-KEY-003'],
    patch: (c) => ({ keyValid: (k) => unanchored(c.profile.keys.pattern).test(k) }),
  },
  'key-allows-unicode-letters': {
    description: 'the key charset uses \\p{L} instead of ASCII letters: "ключ" and "é" are accepted',
    violates: ['SM-KEY-005'],
    patch: (c) => ({ keyValid: (k) => c.keyValid(k.replace(/\p{L}/gu, 'a')) }),
  },
  'key-rejects-colon-period': {
    description: 'the key charset forgets ":" and "."',
    violates: ['SM-KEY-001'],
    patch: (c) => ({ keyValid: (k) => !/[:.]/.test(k) && c.keyValid(k) }),
  },
  'key-rejects-space': {
    description: 'the key charset forgets the space character',
    violates: ['SM-KEY-004'],
    patch: (c) => ({ keyValid: (k) => !k.includes(' ') && c.keyValid(k) }),
  },
  'key-trimmed': {
    description: 'keys are trimmed before they are stored and looked up ("a " becomes "a")',
    violates: ['SM-KEY-004'],
    patch: (c) => ({ storedKey: (k) => k.trim(), urlKey: (segment) => c.urlKey(segment).trim() }),
  },
  'empty-key-accepted': {
    description: 'the key minimum length is not checked: "" is stored',
    violates: ['SM-KEY-002'],
    patch: (c) => ({ keyValid: (k) => k === '' || c.keyValid(k) }),
  },
  'keys-lower-cased': {
    description: 'keys are lower-cased when stored and looked up',
    violates: ['SM-KEY-007', 'SM-KEY-001'],
    patch: (c) => ({ storedKey: (k) => k.toLowerCase(), urlKey: (segment) => c.urlKey(segment).toLowerCase() }),
  },
  'lookup-case-insensitive': {
    description: 'GET/DELETE item find a key case-insensitively (a case-insensitive collation)',
    violates: ['SM-KEY-007'],
    patch: (c) => ({ lookup: (current, k) => c.lookup(current, k) ?? Object.keys(current).find((stored) => stored.toLowerCase() === k.toLowerCase()) }),
  },
  'url-keys-validated': {
    description: 'GET/DELETE item validate the URL key and answer 400 for a key outside the key rules',
    violates: ['SM-KEY-008'],
    patch: (c) => ({
      lookup: (current, k) => {
        if (!c.keyValid(k)) throw new Fault(400, 'Invalid metadata key');
        return c.lookup(current, k);
      },
    }),
  },

  // --- values ---
  'value-length-utf8-bytes': {
    description: 'value length is counted in UTF-8 bytes: 255 × "é" is too long',
    violates: ['SM-VAL-002'],
    patch: () => ({ valueLength: (v) => Buffer.byteLength(v, 'utf8') }),
  },
  'value-length-utf16-units': {
    description: 'value length is counted in UTF-16 code units (JavaScript String.length): 255 × "😀" is too long',
    violates: ['SM-VAL-002'],
    patch: () => ({ valueLength: (v) => v.length }),
  },
  'value-max-256': {
    description: 'the value length limit is off by one: 256 characters are accepted',
    violates: ['SM-VAL-002'],
    patch: (c) => ({ valueLength: (v) => Math.max(0, c.valueLength(v) - 1) }),
  },
  'empty-value-rejected': {
    description: 'values must be non-empty (minLength 1)',
    violates: ['SM-VAL-002'],
    patch: (c) => ({ profile: { ...c.profile, values: { ...c.profile.values, minLength: 1 } } }),
  },
  'values-coerced': {
    description: 'non-string values are converted to strings and stored (1 → "1", null → "null")',
    violates: ['SM-VAL-001'],
    patch: (c) => ({
      valueTypeValid: () => true,
      valueLength: (v) => c.valueLength(typeof v === 'string' ? v : JSON.stringify(v)),
      storedValue: (v) => (typeof v === 'string' ? v : JSON.stringify(v)),
    }),
  },
  'values-trimmed': {
    description: 'values are trimmed before they are stored',
    violates: ['SM-VAL-004'],
    patch: () => ({ storedValue: (v) => v.trim() }),
  },
  'values-nfc-normalised': {
    description: 'values are Unicode-normalised (NFC) before they are stored',
    violates: ['SM-VAL-004'],
    patch: () => ({ storedValue: (v) => v.normalize('NFC') }),
  },
};
