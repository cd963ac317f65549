/**
 * Differences from the recorded Nova answers that are understood and acceptable, each with its reason.
 * Keep this list short: anything else is a real difference (for the embedded reference: a modelling bug, see pending.ts).
 */
import type { Difference } from './compare.ts';
import type { DiffCase } from './types.ts';

export interface Explanation {
  reason: string;
  applies: (c: DiffCase, d: Difference) => boolean;
}

/** Messages that print a request value the Python way (jsonschema's `Value: {'a': 'v'}`, `None`, `'x'`, `1e+20`). */
const PYTHON_REPR = /Value: |^(None|True|False|\[.*\]|'.*'|\{.*\}|-?\d[\d.e+]*) is not of type /;

export const EXPLAINED: Record<string, Explanation> = {
  'route-miss-page': {
    reason:
      "a route miss is answered by webob, not by Nova's API app: its page format follows the Accept header (curl sent */*: HTML) and is no part of the API; compare its status only",
    applies: (c, d) => (d.kind === 'content-type' || d.kind === 'body') && (c.nova.contentType ?? '').startsWith('text/html'),
  },
  'python-repr-in-message': {
    reason: "validation messages embed the request value as Python prints it (jsonschema's wording and repr); the fault name and code are compared, the wording is not",
    applies: (c, d) => d.kind === 'message' && c.nova.body.kind === 'json' && PYTHON_REPR.test(c.nova.body.fault?.message ?? ''),
  },
  'error-server-fixture': {
    reason: "the metadata of the vm_state error server is the deployment's own fixture (it cannot be written: every write answers 409)",
    applies: (c, d) => d.kind === 'body' && c.resource === 'errorServer' && c.nova.status === 200,
  },
};

/** The name of the explanation that covers a difference, if any. */
export function explain(c: DiffCase, d: Difference): string | undefined {
  return Object.entries(EXPLAINED).find(([, e]) => e.applies(c, d))?.[0];
}
