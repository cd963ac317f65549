import type { Mutant } from './types.ts';

/** Mutants of the core operations (list, show, replace-all, merge, set item, delete item, parity, errors). */
export const coreMutants: Readonly<Record<string, Mutant>> = {
  'put-merges': {
    description: 'PUT on the collection merges into the existing set instead of replacing it',
    violates: ['SM-REPLACE-001', 'SM-REPLACE-003', 'SM-REPLACE-004'],
    patch: (c) => ({ replaceAll: c.merge }),
  },
  'post-replaces': {
    description: 'POST on the collection replaces the whole set instead of merging',
    violates: ['SM-MERGE-001', 'SM-MERGE-002', 'SM-MERGE-004'],
    patch: (c) => ({ merge: c.replaceAll }),
  },
  'echo-not-stored': {
    description: 'writes answer the expected body but nothing is stored',
    violates: ['SM-REPLACE-001', 'SM-MERGE-001', 'SM-SET-001'],
    patch: () => ({ persists: false }),
  },
  'merge-answers-request-only': {
    description: 'POST answers only the request keys instead of the full merged set',
    violates: ['SM-MERGE-002', 'SM-MERGE-004'],
    patch: () => ({ mergeBody: (requested) => ({ metadata: requested }) }),
  },
  'item-envelope-metadata': {
    description: 'show and set item answer {"metadata": …} instead of {"meta": …}',
    violates: ['SM-SHOW-001', 'SM-SET-002', 'SM-ENV-001'],
    patch: () => ({ itemBody: (k, v) => ({ metadata: { [k]: v } }) }),
  },
  'delete-absent-204': {
    description: 'DELETE of an absent key answers 204 instead of 404',
    violates: ['SM-DEL-003', 'SM-DEL-004', 'SM-KEY-008'],
    patch: (c) => ({ lookup: (current, k, op) => c.lookup(current, k, op) ?? (op === 'deleteItem' ? k : undefined) }),
  },
  'project-mismatch-ignored': {
    description: 'a URL project_id other than the token\'s project is not checked',
    violates: ['SM-URL-002', 'SM-ORDER-001'],
    patch: () => ({ projectMismatchStatus: 0 }),
  },
  'no-request-id': {
    description: 'responses carry no request-id headers',
    violates: ['SM-HDR-001'],
    patch: () => ({ requestIdHeaders: () => ({}) }),
  },
  'v2-drops-key': {
    description: '/v2 leaves one key out of collection responses (the bases diverge)',
    violates: ['SM-V2-002', 'SM-LIST-001', 'SM-V2-001', 'SM-LIST-003', 'SM-LIST-004', 'IM-LIST-001', 'SM-VER-001'],
    patch: () => ({
      finishBody: (api, body) => {
        const b = body as { metadata?: Record<string, string> } | undefined;
        if (api !== 'v2' || !b?.metadata) return body;
        const [first, ...rest] = Object.keys(b.metadata).sort();
        return first === undefined ? body : { metadata: Object.fromEntries(rest.map((k) => [k, b.metadata![k]!])) };
      },
    }),
  },
  'fault-code-string': {
    description: 'errors carry their code as a string ({"itemNotFound": {"code": "404", …}})',
    violates: ['SM-ERR-001', 'SM-ERR-003'],
    patch: (c) => ({
      faultBody: (status, message) => {
        const body = c.faultBody(status, message) as Record<string, { code: unknown }>;
        return Object.fromEntries(Object.entries(body).map(([name, fault]) => [name, { ...fault, code: String(fault.code) }]));
      },
    }),
  },
  'fault-envelope-unnamed': {
    description: 'errors answer {"error": {...}} instead of the fault named after the status',
    violates: ['SM-ERR-001', 'SM-SHOW-002', 'SM-DEL-003', 'SM-URL-002', 'SM-URL-004', 'SM-BODY-001', 'SM-BODY-002', 'SM-QUOTA-001', 'SM-STATE-001', 'SM-STATE-002', 'SM-STATE-003', 'SM-LIST-005', 'SM-SHOW-003', 'IM-VER-001', 'IM-LIST-002', 'IM-SHOW-001', 'IM-SET-002', 'IM-DEL-001', 'IM-VAL-001', 'IM-QUOTA-001', 'SM-ERR-002'],
    patch: () => ({ faultBody: (status, message) => ({ error: { code: status, message } }) }),
  },
  'flaky-first-item': {
    description: 'the first item response for the key "second" after start-up is {"meta": {}} (an intermittent fault: a retry passes)',
    violates: ['SM-SHOW-001'],
    patch: (c) => {
      let first = true;
      return {
        itemBody: (k, v) => {
          if (!first || k !== 'second') return c.itemBody(k, v);
          first = false;
          return { meta: {} };
        },
      };
    },
  },
};
