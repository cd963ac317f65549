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
    violates: ['SM-KEY-001', 'SM-KEY-003', 'SM-KEY-005', 'IM-VAL-001'],
    patch: (c) => ({ keyValid: (k) => unanchored(c.profile.keys.pattern).test(k) }),
  },
  'key-allows-unicode-letters': {
    description: 'the key charset uses \\p{L} instead of ASCII letters: "ключ" and "é" are accepted',
    violates: ['SM-KEY-005', 'SM-KEY-001'],
    patch: (c) => ({ keyValid: (k) => c.keyValid(k.replace(/\p{L}/gu, 'a')) }),
  },
  'key-rejects-colon-period': {
    description: 'the key charset forgets ":" and "."',
    violates: ['SM-KEY-001'],
    patch: (c) => ({ keyValid: (k) => !/[:.]/.test(k) && c.keyValid(k) }),
  },
  'key-rejects-space': {
    description: 'the key charset forgets the space character',
    violates: ['SM-KEY-004', 'SM-KEY-001'],
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
    violates: ['SM-KEY-007', 'SM-KEY-001', 'SM-SET-003'],
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
  'value-max-256': {
    description: 'the value length limit is off by one: 256 characters are accepted',
    violates: ['SM-VAL-002', 'IM-VAL-001'],
    patch: (c) => ({ valueLength: (v) => Math.max(0, c.valueLength(v) - 1) }),
  },
  'empty-value-rejected': {
    description: 'values must be non-empty (minLength 1)',
    violates: ['SM-VAL-002'],
    patch: (c) => ({ profile: { ...c.profile, values: { ...c.profile.values, minLength: 1 } } }),
  },
  'values-coerced': {
    description: 'non-string values are converted to strings and stored (1 → "1", null → "null")',
    violates: ['SM-VAL-001', 'IM-VAL-001'],
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

  // --- item URLs ---
  'url-format-suffix-stripped': {
    description: 'a ".json"/".xml" suffix of the item URL is taken as a format and stripped ("a.json" addresses "a")',
    violates: ['SM-URL-005'],
    patch: (c) => ({ urlKey: (segment) => c.urlKey(segment.replace(/\.(json|xml)$/, '')) }),
  },
  'url-key-not-decoded': {
    description: 'the item URL key is used percent-encoded ("a b" is looked up as "a%20b")',
    violates: ['SM-URL-005'],
    patch: (c) => ({ urlKey: (segment) => c.urlKey(encodeURIComponent(segment)) }),
  },
  'uri-body-mismatch-accepted': {
    description: 'PUT item does not compare the body key with the URL key',
    violates: ['SM-SET-003', 'IM-SET-002'],
    patch: () => ({ checksUriBodyMismatch: false }),
  },

  // --- envelopes and bodies ---
  'item-put-wants-metadata': {
    description: 'PUT item reads the "metadata" envelope instead of "meta"',
    violates: ['SM-SET-001', 'SM-SET-002', 'SM-SET-003', 'SM-SET-004', 'SM-SET-005', 'SM-URL-005', 'IM-SET-001', 'IM-SET-002'],
    patch: (c) => ({ acceptedEnvelopes: () => c.acceptedEnvelopes('collection') }),
  },
  'collection-accepts-meta': {
    description: 'PUT/POST on the collection also accept the "meta" envelope',
    violates: ['SM-BODY-005'],
    patch: (c) => ({ acceptedEnvelopes: (kind) => (kind === 'collection' ? [...c.acceptedEnvelopes(kind), 'meta'] : c.acceptedEnvelopes(kind)) }),
  },
  'item-two-properties-accepted': {
    description: 'PUT item accepts a "meta" with two items (maxProperties 2)',
    violates: ['SM-SET-004'],
    patch: () => ({ maxItemProperties: 2 }),
  },
  'extra-member-accepted-v2.1': {
    description: '/v2.1 drops extra top-level members like /v2 instead of rejecting them',
    violates: ['SM-BODY-006'],
    patch: () => ({ strictDropsExtraMembers: true }),
  },
  'extra-member-rejected-v2': {
    description: '/v2 rejects extra top-level members like /v2.1 instead of dropping them',
    violates: ['SM-BODY-006'],
    patch: () => ({ legacyDropsExtraMembers: false }),
  },
  'malformed-json-500': {
    description: 'a body that does not parse escapes as an unexpected error (500)',
    violates: ['SM-BODY-002'],
    patch: () => ({ malformedBodyStatus: 500 }),
  },
  'json-trailing-commas-tolerated': {
    description: 'a lenient JSON parser accepts trailing commas',
    violates: ['SM-BODY-002'],
    patch: (c) => ({ parseJson: (text) => c.parseJson(text.replace(/,\s*([}\]])/g, '$1')) }),
  },
  'empty-body-as-empty-map': {
    description: 'an empty PUT/POST body is taken as {"metadata": {}} (POST is a no-op, PUT clears everything)',
    violates: ['SM-BODY-003'],
    patch: (c) => ({ emptyBody: (kind) => (kind === 'collection' ? { metadata: {} } : c.emptyBody(kind)) }),
  },
  'array-body-unwrapped': {
    description: 'a top-level JSON array of one element is taken as that element',
    violates: ['SM-BODY-004'],
    patch: (c) => ({
      parseJson: (text) => {
        const parsed = c.parseJson(text);
        return Array.isArray(parsed) && parsed.length === 1 ? (parsed[0] as unknown) : parsed;
      },
    }),
  },
  'bodies-read-on-every-method': {
    description: 'GET and DELETE bodies are parsed too (a malformed one is 400)',
    violates: ['SM-BODY-009'],
    patch: () => ({ methodsWithBody: ['GET', 'PUT', 'POST', 'DELETE'] }),
  },

  // --- content types ---
  'xml-content-type-accepted': {
    description: 'any request Content-Type is accepted (no 415)',
    violates: ['SM-BODY-001'],
    patch: () => ({ acceptsContentType: () => true }),
  },
  'content-type-checked-on-writes-only': {
    description: 'the 415 gate applies to PUT/POST only; GET and DELETE with application/xml succeed',
    violates: ['SM-BODY-001'],
    patch: (c) => ({ acceptsContentType: (type, method) => method === 'GET' || method === 'DELETE' || c.acceptsContentType(type, method) }),
  },
  'text-plain-rejected': {
    description: 'a JSON body sent as text/plain is refused with 415 (only JSON media types or none are accepted)',
    violates: ['SM-BODY-001'],
    patch: (c) => ({ acceptsContentType: (type, method) => type !== 'text/plain' && c.acceptsContentType(type, method) }),
  },

  // --- operations the target serves ---
  'no-merge': {
    description: 'POST {S} is not routed: a route miss (webob 404); every other operation is served',
    violates: ['SM-MERGE-001', 'SM-MERGE-002', 'SM-MERGE-003', 'SM-MERGE-004'],
    patch: (c) => ({ routes: (op, resource) => !(op === 'merge' && resource === 'servers') && c.routes(op, resource) }),
  },
  'no-show': {
    description: 'GET {S}/{key} is not routed: a route miss (webob 404); every other operation is served',
    violates: ['SM-SHOW-001', 'SM-SHOW-002', 'SM-SHOW-003', 'SM-URL-005'],
    patch: (c) => ({ routes: (op, resource) => !(op === 'show' && resource === 'servers') && c.routes(op, resource) }),
  },
  'no-delete-item': {
    description: 'DELETE {S}/{key} is not routed: a route miss (webob 404); every other operation is served',
    violates: ['SM-DEL-001', 'SM-DEL-002', 'SM-DEL-003', 'SM-DEL-004'],
    patch: (c) => ({ routes: (op, resource) => !(op === 'deleteItem' && resource === 'servers') && c.routes(op, resource) }),
  },
  'list-extra-member': {
    description: 'GET {S} answers an extra top-level member beside "metadata" ({"metadata": …, "links": []})',
    violates: ['SM-LIST-001', 'SM-LIST-002'],
    patch: () => ({ collectionBody: (map) => ({ metadata: map, links: [] }) }),
  },
  'list-envelope-meta': {
    description: 'GET {S} answers {"meta": …} instead of {"metadata": …}',
    violates: ['SM-LIST-001', 'SM-LIST-002', 'SM-ENV-001'],
    patch: () => ({ collectionBody: (map) => ({ meta: map }) }),
  },

  // --- list ---
  'list-paginated': {
    description: 'GET collection honours ?limit and ?marker (paginates the map)',
    violates: ['SM-LIST-003'],
    patch: () => ({
      listView: (map, query) => {
        let keys = Object.keys(map).sort();
        const marker = query.get('marker');
        if (marker !== null) keys = keys.filter((k) => k > marker);
        const limit = query.get('limit');
        if (limit !== null) keys = keys.slice(0, Number(limit));
        return Object.fromEntries(keys.map((k) => [k, map[k]!]));
      },
    }),
  },
};
